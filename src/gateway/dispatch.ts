/**
 * One generation request from arrival to the last byte: authenticate, read and translate the
 * body, pick targets, try them in order until one answers, translate the answer back, and leave
 * exactly one usage record whatever happens.
 *
 * A target may be abandoned only before the client got its first byte. After that, an upstream
 * failure ends the stream with an error in the client's dialect.
 */
import type { Codec, EncodeContext, InboundContext, SseEvent } from "../codecs/codec.ts";
import { CODECS } from "../codecs/registry.ts";
import {
  type ApiName,
  GatewayError,
  type StreamEvent,
  type UnifiedRequest,
  type Usage,
} from "../codecs/unified.ts";
import type { Config, ProviderConfig } from "../config/types.ts";
import type { KeyRing } from "../http/auth.ts";
import { presentedSecret } from "../http/auth.ts";
import { sseFrame, SseParser } from "../http/sse.ts";
import type { TargetHealth } from "../routing/health.ts";
import { type Candidate, resolveModel } from "../routing/resolve.ts";
import type { Random, SelectionStats } from "../routing/selectors.ts";
import {
  ClientAbortedError,
  GatewayStoppingError,
  type OpenCall,
  openUpstream,
  type UpstreamOutcome,
  type UpstreamRequest,
  UpstreamTimeoutError,
} from "../upstream/call.ts";
import {
  type AttemptFailure,
  badResponseFailure,
  failureForStatus,
  redactSecrets,
  retryAfterFromHeaders,
} from "../upstream/failure.ts";
import type { RequestRecord, UsageSink } from "../usage/record.ts";
import { readJsonBody } from "./body.ts";
import { errorResponse } from "./respond.ts";
import { mergeUsage } from "./usage_merge.ts";
import { allTargetsFailedError } from "./all_failed.ts";

/** Everything a request needs from the running server. */
export interface Gateway {
  config: Config;
  keys: KeyRing;
  health: TargetHealth;
  usage: UsageSink;
  stats?: SelectionStats;
  random?: Random;
  /** Aborts when shutdown stops waiting for in-flight requests: they end with an error. */
  stopSignal?: AbortSignal;
}

export interface GenerationInput {
  request: Request;
  url: URL;
  apiIn: ApiName;
  inbound: InboundContext;
  /** Gemini inbound streams: SSE (`alt=sse`) rather than a JSON array. */
  sse?: boolean;
  requestId: string;
  startedAt: number;
  clientIp?: string;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

/** Status for a client that left before the answer was complete (nginx's convention). */
const CLIENT_CLOSED = 499;

const ANTHROPIC_FORWARDED_HEADERS = ["anthropic-version", "anthropic-beta"];

export async function handleGeneration(input: GenerationInput, gw: Gateway): Promise<Response> {
  const inCodec = CODECS[input.apiIn];
  const record: RequestRecord = {
    requestId: input.requestId,
    startedAt: input.startedAt,
    apiIn: input.apiIn,
    stream: input.inbound.stream ?? false,
    status: 0,
    attempts: [],
    usageSource: "none",
    durationMs: 0,
    clientIp: input.clientIp,
    userAgent: input.request.headers.get("user-agent") ?? undefined,
  };
  let recorded = false;
  const complete = (status: number, error?: RequestRecord["error"]) => {
    if (recorded) return;
    recorded = true;
    record.status = status;
    if (error !== undefined) record.error = error;
    record.durationMs = Date.now() - input.startedAt;
    gw.usage.record(record);
  };
  const headers = { "x-request-id": input.requestId };
  const fail = (error: GatewayError): Response => {
    complete(error.status, { kind: error.kind, message: error.message });
    return errorResponse(inCodec, error, headers);
  };

  if (!gw.config.allowNoAuth) {
    const key = gw.keys.identify(presentedSecret(input.request.headers, input.url));
    if (key === undefined) {
      return fail(
        new GatewayError(
          "authentication",
          "Invalid or missing API key. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.",
          { code: "invalid_api_key" },
        ),
      );
    }
    record.key = key;
  }

  let raw: Record<string, unknown>;
  let unified: UnifiedRequest;
  let candidates: Candidate[];
  try {
    raw = await readJsonBody(input.request, gw.config.server.maxBodyBytes) as Record<
      string,
      unknown
    >;
    unified = inCodec.toUnifiedRequest(raw, input.inbound);
    record.modelRequested = unified.model;
    record.stream = unified.stream;
    const resolution = resolveModel(
      gw.config,
      unified.model,
      gw.health,
      Date.now(),
      gw.stats,
      gw.random,
      estimatedInputTokens(input.request),
    );
    record.alias = resolution.alias;
    candidates = resolution.candidates;
  } catch (error) {
    if (input.signal.aborted) return clientGone(complete);
    return fail(asGatewayError(error));
  }

  const encodeContext: EncodeContext = {
    request: unified,
    requestId: input.requestId,
    sse: input.sse,
  };
  const failures: Array<{ candidate: Candidate; failure: AttemptFailure }> = [];

  for (const candidate of candidates) {
    const provider = gw.config.providers[candidate.provider];
    const outCodec = CODECS[provider.api];
    // Gemini JSON-array streams are always re-encoded: upstream calls use SSE.
    const passThrough = provider.api === input.apiIn &&
      !(input.apiIn === "gemini" && unified.stream && input.sse !== true);
    let attemptStart = Date.now();
    const noteAttempt = (failure: AttemptFailure) => {
      record.attempts.push({
        provider: candidate.provider,
        model: candidate.model,
        status: failure.status ?? 502,
        reason: failure.message,
        ms: Date.now() - attemptStart,
      });
    };
    const failed = (failure: AttemptFailure) => {
      noteAttempt(failure);
      failures.push({ candidate, failure });
      gw.health.reportFailure(candidate.provider, candidate.model, failure, Date.now());
    };

    let upstreamBody = passThrough
      ? outCodec.withModel(raw, candidate.model)
      : outCodec.fromUnifiedRequest(unified, {
        model: candidate.model,
        defaultMaxTokens: provider.defaultMaxTokens,
      });
    const hiddenUsage = passThrough && unified.stream
      ? outCodec.streamUsageRequest?.(upstreamBody)
      : undefined;
    if (hiddenUsage !== undefined) upstreamBody = hiddenUsage.body;

    let call: OpenCall;
    try {
      const upstreamRequest: UpstreamRequest = {
        url: outCodec.upstreamUrl(provider.baseUrl, candidate.model, unified.stream),
        headers: upstreamHeaders(outCodec, provider, input),
        body: JSON.stringify(upstreamBody),
        timeouts: provider.timeouts,
        clientSignal: input.signal,
        stopSignal: gw.stopSignal,
      };
      let outcome: UpstreamOutcome = await openUpstream(upstreamRequest);
      // A reset connection is often a stale pooled socket: one more try at the same target.
      if (!outcome.ok && outcome.failure.connectionReset && gw.config.retryOnConnectionReset) {
        noteAttempt(outcome.failure);
        attemptStart = Date.now();
        outcome = await openUpstream(upstreamRequest);
      }
      if (!outcome.ok) {
        failed(outcome.failure);
        continue;
      }
      call = outcome.call;
    } catch (error) {
      if (error instanceof ClientAbortedError) return clientGone(complete);
      if (error instanceof GatewayStoppingError) return fail(stoppingError());
      if (error instanceof GatewayError) return fail(error);
      throw error;
    }

    const status = call.response.status;
    if (status < 200 || status > 299) {
      let text = "";
      try {
        text = await call.text();
      } catch {
        // The error body is a courtesy; its status already says what happened.
      }
      const message = redactSecrets(outCodec.upstreamErrorMessage(status, text), [
        provider.apiKey,
      ]);
      const failure = failureForStatus(
        status,
        message,
        retryAfterFromHeaders(call.response.headers, Date.now()),
      );
      if (!failure.fallback) {
        record.attempts.push({
          provider: candidate.provider,
          model: candidate.model,
          status,
          reason: message,
          ms: Date.now() - attemptStart,
        });
        record.provider = candidate.provider;
        record.model = candidate.model;
        record.apiOut = provider.api;
        return fail(new GatewayError(failure.kind, message, { status }));
      }
      failed(failure);
      continue;
    }

    record.provider = candidate.provider;
    record.model = candidate.model;
    record.apiOut = provider.api;
    const attempt: Attempt = {
      outCodec,
      inCodec,
      passThrough,
      isHidden: hiddenUsage?.isHidden,
      call,
      attemptStart,
      candidate,
    };

    if (!unified.stream) {
      const answered = await answerWhole(attempt, unified, encodeContext, record, headers);
      if ("failure" in answered) {
        if (input.signal.aborted) return clientGone(complete);
        if (gw.stopSignal?.aborted) return fail(stoppingError());
        failed(answered.failure);
        continue;
      }
      gw.health.reportSuccess(candidate.provider, candidate.model, Date.now());
      complete(200);
      return answered.response;
    }
    // Nothing has gone to the client yet: a stream that breaks before its first chunk can
    // still fall back to the next target.
    let first: Uint8Array | undefined;
    try {
      first = await call.read();
    } catch (error) {
      call.abort();
      if (input.signal.aborted) return clientGone(complete);
      if (error instanceof GatewayStoppingError) return fail(stoppingError());
      failed(streamFailure(error));
      continue;
    }
    gw.health.reportSuccess(candidate.provider, candidate.model, Date.now());
    return answerStream(attempt, first, unified, encodeContext, record, headers, complete, gw);
  }

  return fail(allTargetsFailedError(unified.model, failures));
}

interface Attempt {
  outCodec: Codec;
  inCodec: Codec;
  passThrough: boolean;
  /** Pass-through events only Plexus asked for; re-framed without them. */
  isHidden?: (event: SseEvent) => boolean;
  call: OpenCall;
  attemptStart: number;
  candidate: Candidate;
}

function upstreamHeaders(
  codec: Codec,
  provider: ProviderConfig,
  input: GenerationInput,
): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...codec.upstreamHeaders(provider.apiKey),
  };
  // Newer Anthropic SDKs send newer versions and betas; Anthropic upstreams should see them.
  if (input.apiIn === "messages" && provider.api === "messages") {
    for (const name of ANTHROPIC_FORWARDED_HEADERS) {
      const value = input.request.headers.get(name);
      if (value !== null) headers[name] = value;
    }
  }
  return { ...headers, ...provider.headers };
}

/** A non-streamed answer: read it whole, translate it, or say why this target failed. */
async function answerWhole(
  attempt: Attempt,
  unified: UnifiedRequest,
  encodeContext: EncodeContext,
  record: RequestRecord,
  headers: Record<string, string>,
): Promise<{ response: Response } | { failure: AttemptFailure }> {
  let text: string;
  try {
    text = await attempt.call.text();
  } catch (error) {
    return { failure: streamFailure(error) };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { failure: badResponseFailure("upstream answered with a body that is not JSON") };
  }
  let response;
  try {
    response = attempt.outCodec.toUnifiedResponse(body, unified);
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : "";
    return { failure: badResponseFailure(`upstream answer could not be read${detail}`) };
  }
  record.usage = response.usage;
  record.usageSource = "provider";
  record.upstreamMs = Date.now() - attempt.attemptStart;
  record.attempts.push({
    provider: attempt.candidate.provider,
    model: attempt.candidate.model,
    status: 200,
    ms: record.upstreamMs,
  });
  const out = attempt.passThrough
    ? text
    : JSON.stringify(attempt.inCodec.fromUnifiedResponse(response, encodeContext));
  return {
    response: new Response(out, {
      status: 200,
      headers: { "content-type": "application/json", ...headers },
    }),
  };
}

function stoppingError(): GatewayError {
  return new GatewayError(
    "unavailable",
    "The gateway is shutting down and could not finish this request in its grace period.",
  );
}

/** The status and kind a mid-body failure stands for. */
function streamFailure(error: unknown): AttemptFailure {
  if (error instanceof GatewayStoppingError) {
    return {
      reason: "connection",
      status: 503,
      kind: "unavailable",
      message: stoppingError().message,
      fallback: false,
      providerWide: false,
    };
  }
  if (error instanceof UpstreamTimeoutError) {
    return {
      reason: "timeout",
      status: 504,
      kind: "timeout",
      message: error.message,
      fallback: true,
      providerWide: false,
    };
  }
  return badResponseFailure("upstream stream broke or could not be read before it was complete");
}

const CONTENT_EVENTS = new Set<StreamEvent["type"]>([
  "text_delta",
  "reasoning_delta",
  "tool_call_start",
]);

/**
 * A streamed answer. Pulls one upstream chunk per client read, so nothing is buffered and the
 * client's pace sets the upstream's. Translated streams run parser → decoder → encoder; same-API
 * streams forward the bytes as they came and only tap them for usage and first-token time.
 */
function answerStream(
  attempt: Attempt,
  firstChunk: Uint8Array | undefined,
  unified: UnifiedRequest,
  encodeContext: EncodeContext,
  record: RequestRecord,
  headers: Record<string, string>,
  complete: (status: number, error?: RequestRecord["error"]) => void,
  gw: Gateway,
): Response {
  const { call, inCodec, outCodec, passThrough, isHidden } = attempt;
  const parser = new SseParser();
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
  const frames = new FrameBoundary();

  const observe = (event: StreamEvent) => {
    if (event.type === "usage") usage = mergeUsage(usage, event.usage);
    else if (record.ttftMs === undefined && CONTENT_EVENTS.has(event.type)) {
      record.ttftMs = Date.now() - record.startedAt;
    } else if (event.type === "error") {
      upstreamError = { kind: event.error.kind, message: event.error.message };
    }
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
  const decode = (text: string): string => {
    let out = "";
    for (const sse of parser.push(text)) out += translate(decoder.push(sse));
    return out;
  };
  /** Pass-through with hidden events: each visible event re-framed with its data unchanged. */
  const forwardVisible = (text: string): string => {
    let out = "";
    for (const sse of parser.push(text)) {
      translate(decoder.push(sse));
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
        for (;;) {
          const chunk = await nextChunk();
          if (chunk === undefined) {
            const rest = frames.rest();
            if (rest.byteLength > 0) controller.enqueue(rest);
            let out = "";
            for (const sse of parser.end()) {
              out += translate(decoder.push(sse));
              if (isHidden !== undefined && !isHidden(sse)) out += sseFrame(sse.data, sse.event);
            }
            out += translate(decoder.end());
            if (encoder !== undefined) out += encoder.end();
            if (out !== "") controller.enqueue(textEncoder.encode(out));
            controller.close();
            call.close();
            settle(200, upstreamError);
            return;
          }
          if (isHidden !== undefined) {
            const out = forwardVisible(textDecoder.decode(chunk, { stream: true }));
            if (out === "") continue;
            controller.enqueue(textEncoder.encode(out));
            return;
          }
          if (passThrough) {
            decode(textDecoder.decode(chunk, { stream: true }));
            // Whole frames only, so an error frame after a break never lands mid-frame.
            const whole = frames.push(chunk);
            if (whole.byteLength === 0) continue;
            controller.enqueue(whole);
            return;
          }
          const out = decode(textDecoder.decode(chunk, { stream: true }));
          if (out !== "") {
            controller.enqueue(textEncoder.encode(out));
            return;
          }
        }
      } catch (error) {
        call.abort();
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
        controller.enqueue(textEncoder.encode(out));
        controller.close();
        settle(status, { kind: failure.kind, message: failure.message });
      }
    },
    cancel() {
      call.abort();
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

function clientGone(
  complete: (status: number, error?: RequestRecord["error"]) => void,
): Response {
  complete(CLIENT_CLOSED, { kind: "client_aborted", message: "client disconnected" });
  return new Response(null, { status: CLIENT_CLOSED });
}

/** About four bytes of JSON per prompt token: enough to rank targets by cost. */
function estimatedInputTokens(request: Request): number | undefined {
  const length = Number(request.headers.get("content-length"));
  return Number.isFinite(length) && length > 0 ? Math.ceil(length / 4) : undefined;
}

export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  console.error("plexus: unexpected error:", error instanceof Error ? error.message : error);
  return new GatewayError("api_error", "Internal error in the gateway.");
}

const LF = 10;
const CR = 13;

/**
 * Splits forwarded SSE bytes at the last frame end (a blank line), holding back a partial
 * frame until the rest of it arrives (WHATWG HTML, "Server-sent events", event stream
 * interpretation: a blank line dispatches the event).
 */
class FrameBoundary {
  #held: Uint8Array = new Uint8Array(0);

  /** The bytes up to and including the last complete frame; the rest is kept. */
  push(chunk: Uint8Array): Uint8Array {
    const bytes = this.#held.byteLength === 0 ? chunk : joinBytes(this.#held, chunk);
    const end = lastFrameEnd(bytes);
    this.#held = bytes.slice(end);
    return bytes.subarray(0, end);
  }

  /** Whatever is held when the upstream ended cleanly. */
  rest(): Uint8Array {
    const rest = this.#held;
    this.#held = new Uint8Array(0);
    return rest;
  }
}

/** Index just past the last `\n\n` or `\r\n\r\n`, or 0 when there is none. */
function lastFrameEnd(bytes: Uint8Array): number {
  for (let i = bytes.byteLength - 1; i >= 1; i--) {
    if (bytes[i] !== LF) continue;
    if (bytes[i - 1] === LF) return i + 1;
    if (bytes[i - 1] === CR && i >= 2 && bytes[i - 2] === LF) return i + 1;
  }
  return 0;
}

function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
