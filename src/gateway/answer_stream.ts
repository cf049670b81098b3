/**
 * A streamed answer: translated or passed through chunk by chunk, never buffered. This shell owns
 * the pull loop, the first-bytes turn, cancellation, the error frame and settling the record; the
 * mode (`stream_modes.ts`) turns upstream chunks into the client's bytes.
 */
import type { RequestRecord } from "../usage/record.ts";
import {
  type Attempt,
  attemptLimits,
  CLIENT_CLOSED,
  recordAttempt,
  streamFailure,
} from "./attempt.ts";
import type { ReadRequest, RequestScope } from "./request_scope.ts";
import {
  clientBytes,
  HiddenEventsMode,
  PassThroughMode,
  type StreamMode,
  StreamObserver,
  TranslatedMode,
} from "./stream_modes.ts";

/**
 * Pulls one upstream chunk per client read, so nothing is buffered and the client's pace sets
 * the upstream's. `firstChunk` was read before the answer began (a stream that breaks before it
 * can still fall back).
 */
export function answerStream(
  scope: RequestScope,
  read: ReadRequest,
  attempt: Attempt,
  firstChunk: Uint8Array | undefined,
): Response {
  const { record, gw } = scope;
  const { call } = attempt;
  const observer = new StreamObserver(
    record,
    attempt.outCodec.createStreamDecoder(read.unified),
    scope.client.passThrough.mayCarryUsage,
  );
  const mode = streamMode(scope, read, attempt, observer);
  let peeked: { chunk: Uint8Array | undefined } | undefined = { chunk: firstChunk };
  /** Whether bytes went to the client, and whether the runtime was given a turn to send them. */
  let sentFirst = false;
  let turnTaken = false;

  const settle = (status: number, error?: RequestRecord["error"]) => {
    if (observer.usage !== undefined) {
      record.usage = observer.usage;
      record.usageSource = "provider";
    }
    record.upstreamMs = recordAttempt(record, attempt, error === undefined ? 200 : status);
    if (status === 200 && attempt.passThrough) read.state?.keep?.passedThrough(record);
    scope.complete(status, error);
  };
  const nextChunk = (): Promise<Uint8Array | undefined> => {
    if (peeked === undefined) return call.read();
    const { chunk } = peeked;
    peeked = undefined;
    return Promise.resolve(chunk);
  };

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (sentFirst && !turnTaken) {
          // The first bytes are enqueued; the runtime writes them once JavaScript yields.
          turnTaken = true;
          await gw.turns?.next();
        }
        const held = mode.afterFirst();
        if (held !== undefined) return controller.enqueue(held);
        for (;;) {
          const chunk = await nextChunk();
          if (chunk === undefined) {
            for (const rest of mode.end()) controller.enqueue(rest);
            controller.close();
            call.close();
            return settle(200, observer.upstreamError);
          }
          const out = mode.push(chunk);
          if (out === undefined) continue;
          controller.enqueue(out);
          sentFirst = true;
          return;
        }
      } catch (error) {
        call.abort();
        mode.observeHeld();
        const { status, failure } = endWithError(scope, read, attempt, mode, error);
        controller.enqueue(failure);
        controller.close();
        settle(status.code, status.error);
      }
    },
    cancel() {
      call.abort();
      mode.observeHeld();
      settle(CLIENT_CLOSED, { kind: "client_aborted", message: "client disconnected" });
    },
  });

  const contentType = mode.encoder?.contentType ??
    call.response.headers.get("content-type") ?? "text/event-stream";
  return new Response(body, {
    status: 200,
    headers: { "content-type": contentType, "cache-control": "no-cache", ...scope.headers },
  });
}

function streamMode(
  scope: RequestScope,
  read: ReadRequest,
  attempt: Attempt,
  observer: StreamObserver,
): StreamMode {
  const maxFrameBytes = attemptLimits(attempt).upstreamFrameBytes;
  if (attempt.isHidden !== undefined) {
    attempt.call.countIdleByFrames();
    return new HiddenEventsMode(observer, attempt.isHidden, maxFrameBytes);
  }
  if (attempt.passThrough) {
    attempt.call.countIdleByFrames();
    return new PassThroughMode(observer, maxFrameBytes);
  }
  const encoder = scope.client.createStreamEncoder(read.encodeContext);
  const frameReader = attempt.outCodec.createFrameReader?.();
  if (frameReader === undefined) attempt.call.countIdleByFrames();
  return new TranslatedMode(observer, encoder, maxFrameBytes, frameReader);
}

/**
 * A failure after the first byte: the target cools down when the failure is its own, and the
 * client gets an error event in its dialect.
 */
function endWithError(
  scope: RequestScope,
  read: ReadRequest,
  attempt: Attempt,
  mode: StreamMode,
  error: unknown,
): { status: { code: number; error: RequestRecord["error"] }; failure: Uint8Array } {
  const failure = streamFailure(error);
  if (failure.fallback) {
    const { provider, model } = attempt.candidate;
    scope.gw.health.reportFailure(provider, model, failure, Date.now());
  }
  const encoder = mode.encoder ?? scope.client.createStreamEncoder(read.encodeContext);
  const code = failure.status ?? 502;
  const out = encoder.push({
    type: "error",
    error: { kind: failure.kind, message: failure.message, status: code },
  }) + encoder.end();
  return {
    status: { code, error: { kind: failure.kind, message: failure.message } },
    failure: clientBytes(out),
  };
}
