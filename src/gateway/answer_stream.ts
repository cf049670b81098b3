/** A streamed answer: translated or passed through chunk by chunk, never buffered. */
import type { EncodeContext, SseEvent } from "../codecs/codec.ts";
import {
  mergeUsage,
  type StreamEvent,
  type UnifiedRequest,
  type Usage,
} from "../codecs/unified.ts";
import { sseFrame, SseParser } from "../wire/sse.ts";
import type { RequestRecord } from "../usage/record.ts";
import {
  type Attempt,
  attemptLimits,
  CLIENT_CLOSED,
  type Complete,
  streamFailure,
} from "./attempt.ts";
import { scrubSecrets, scrubSecretsInBytes } from "../auth/secrets.ts";
import type { Gateway } from "./gateway.ts";
import { firstFrameEnd, FrameBoundary } from "../wire/sse_frames.ts";

const CONTENT_EVENTS = new Set<StreamEvent["type"]>([
  "text_delta",
  "reasoning_delta",
  "tool_call_start",
]);

/**
 * A streamed answer. Pulls one upstream chunk per client read, so nothing is buffered and the
 * client's pace sets the upstream's. Translated streams run parser -> decoder -> encoder; same-API
 * streams forward the bytes as they came and only tap them for usage and first-token time.
 */
export function answerStream(
  attempt: Attempt,
  firstChunk: Uint8Array | undefined,
  unified: UnifiedRequest,
  encodeContext: EncodeContext,
  record: RequestRecord,
  headers: Record<string, string>,
  complete: Complete,
  gw: Gateway,
): Response {
  const { call, inCodec, outCodec, passThrough, isHidden } = attempt;
  const maxFrameBytes = attemptLimits(attempt).upstreamFrameBytes;
  const parser = new SseParser(maxFrameBytes);
  /** Upstream streams that are not SSE (translated only: no client speaks such an API). */
  const frameReader = outCodec.createFrameReader?.();
  const decoder = outCodec.createStreamDecoder(unified);
  const encoder = passThrough ? undefined : inCodec.createStreamEncoder(encodeContext);
  const textDecoder = new TextDecoder();
  const textEncoder = new TextEncoder();
  let usage: Usage | undefined;
  let upstreamError: RequestRecord["error"];
  let peeked: { chunk: Uint8Array | undefined } | undefined = { chunk: firstChunk };
  const nextChunk = (): Promise<Uint8Array | undefined> => {
    if (peeked === undefined) return call.read();
    const { chunk } = peeked;
    peeked = undefined;
    return Promise.resolve(chunk);
  };
  const frames = new FrameBoundary(maxFrameBytes);
  if (frameReader === undefined) call.countIdleByFrames();
  /** What goes to the client: provider text may echo a key or a configured header value. */
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) =>
    controller.enqueue(textEncoder.encode(scrubSecrets(text)));
  /** Whether bytes went to the client, and whether the runtime was given a turn to send them. */
  let sentFirst = false;
  let turnTaken = false;

  const observe = (event: StreamEvent) => {
    if (event.type === "start") record.responseId = event.id;
    else if (event.type === "usage") usage = mergeUsage(usage, event.usage);
    else if (record.ttftMs === undefined && CONTENT_EVENTS.has(event.type)) {
      record.ttftMs = Date.now() - record.startedAt;
    } else if (event.type === "error") {
      upstreamError = { kind: event.error.kind, message: scrubSecrets(event.error.message) };
    } else if (event.type === "finish") record.finishReason = event.stopReason;
  };
  /** Runs events through observation and (when translating) the encoder. */
  const translate = (events: StreamEvent[]): string => {
    let out = "";
    for (const event of events) {
      observe(event);
      if (encoder !== undefined) out += encoder.push(event);
    }
    return out;
  };
  const decodeFrames = (events: SseEvent[]): string => {
    let out = "";
    for (const sse of events) {
      out += translate(decoder.push(sse));
      if (encoder?.endOfFrame !== undefined) out += encoder.endOfFrame();
    }
    return out;
  };
  /**
   * Until the first bytes went out, upstream text is parsed and translated one frame at a time
   * and stops at the first frame with output: the rest waits in `heldText` until the runtime has
   * sent those bytes. (The parser takes text split anywhere, so any cut is safe.)
   */
  let heldText = "";
  const decodeText = (text: string): string => {
    if (sentFirst) return decodeFrames(parser.push(text));
    let out = "";
    let rest = text;
    while (rest !== "" && out === "") {
      const cut = firstFrameEnd(rest);
      out += decodeFrames(parser.push(rest.slice(0, cut)));
      rest = rest.slice(cut);
    }
    heldText = rest;
    return out;
  };
  /** Pass-through: the decoder only observes (usage, first token, errors); bytes go as they came. */
  const tap = (sse: SseEvent): void => {
    if (record.ttftMs !== undefined && !inCodec.passThrough.mayCarryUsage(sse.data)) return;
    try {
      translate(decoder.push(sse));
    } catch {
      // Only bookkeeping is lost: a frame the decoder cannot follow never breaks the byte stream.
    }
  };
  /** Pass-through text not yet tapped: the first bytes go out before they are looked at. */
  let untapped = "";
  const tapUntapped = (): void => {
    if (untapped === "") return;
    const text = untapped;
    untapped = "";
    for (const sse of parser.push(text)) tap(sse);
  };
  /** Catches up on what was held back for the first bytes, before the record is settled. */
  const observeHeld = (): void => {
    tapUntapped();
    const held = heldText;
    heldText = "";
    try {
      for (const sse of parser.push(held)) translate(decoder.push(sse));
    } catch {
      // The client is gone; only bookkeeping of frames it never saw is lost.
    }
  };
  /** Pass-through with hidden events: each visible event re-framed with its data unchanged. */
  const forwardVisible = (text: string): string => {
    let out = "";
    for (const sse of parser.push(text)) {
      tap(sse);
      if (!isHidden!(sse)) out += sseFrame(sse.data, sse.event);
    }
    return out;
  };
  const settle = (status: number, error?: RequestRecord["error"]) => {
    if (usage !== undefined) {
      record.usage = usage;
      record.usageSource = "provider";
    }
    record.upstreamMs = Date.now() - attempt.attemptStart;
    record.attempts.push({
      provider: attempt.candidate.provider,
      model: attempt.candidate.model,
      status: error === undefined ? 200 : status,
      ms: record.upstreamMs,
    });
    complete(status, error);
  };

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (sentFirst && !turnTaken) {
          // The first bytes are enqueued; the runtime writes them once JavaScript yields.
          turnTaken = true;
          await gw.turns?.next();
        }
        tapUntapped();
        if (heldText !== "") {
          const held = heldText;
          heldText = "";
          const out = decodeFrames(parser.push(held));
          if (out !== "") {
            emit(controller, out);
            return;
          }
        }
        for (;;) {
          const chunk = await nextChunk();
          if (chunk === undefined) {
            tapUntapped();
            const rest = frames.rest();
            if (rest.byteLength > 0) controller.enqueue(scrubSecretsInBytes(rest));
            let out = "";
            for (const sse of frameReader?.end() ?? parser.end()) {
              out += translate(decoder.push(sse));
              if (isHidden !== undefined && !isHidden(sse)) out += sseFrame(sse.data, sse.event);
            }
            out += translate(decoder.end());
            if (encoder !== undefined) out += encoder.end();
            if (out !== "") emit(controller, out);
            controller.close();
            call.close();
            settle(200, upstreamError);
            return;
          }
          if (isHidden !== undefined) {
            const out = forwardVisible(textDecoder.decode(chunk, { stream: true }));
            if (out === "") continue;
            emit(controller, out);
            sentFirst = true;
            return;
          }
          if (passThrough) {
            untapped += textDecoder.decode(chunk, { stream: true });
            if (sentFirst) tapUntapped();
            // Whole frames only, so an error frame after a break never lands mid-frame.
            const whole = frames.push(chunk);
            if (whole.byteLength === 0) continue;
            controller.enqueue(scrubSecretsInBytes(whole));
            sentFirst = true;
            return;
          }
          const out = frameReader === undefined
            ? decodeText(textDecoder.decode(chunk, { stream: true }))
            : decodeFrames(frameReader.push(chunk));
          if (out !== "") {
            emit(controller, out);
            sentFirst = true;
            return;
          }
        }
      } catch (error) {
        call.abort();
        observeHeld();
        const failure = streamFailure(error);
        if (failure.fallback) {
          gw.health.reportFailure(
            attempt.candidate.provider,
            attempt.candidate.model,
            failure,
            Date.now(),
          );
        }
        const errorEncoder = encoder ?? inCodec.createStreamEncoder(encodeContext);
        const status = failure.status ?? 502;
        const out = errorEncoder.push({
          type: "error",
          error: { kind: failure.kind, message: failure.message, status },
        }) + errorEncoder.end();
        emit(controller, out);
        controller.close();
        settle(status, { kind: failure.kind, message: failure.message });
      }
    },
    cancel() {
      call.abort();
      observeHeld();
      settle(CLIENT_CLOSED, { kind: "client_aborted", message: "client disconnected" });
    },
  });

  const contentType = encoder?.contentType ??
    call.response.headers.get("content-type") ?? "text/event-stream";
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": contentType,
      "cache-control": "no-cache",
      ...headers,
    },
  });
}
