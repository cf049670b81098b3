/**
 * One generation request from arrival to the last byte: authenticate, read and translate the
 * body, pick targets, try them in order until one answers, translate the answer back, and leave
 * exactly one usage record whatever happens.
 *
 * A target may be abandoned only before the client got its first byte. After that, an upstream
 * failure ends the stream with an error in the client's dialect.
 */
import type { Codec, EncodeContext, InboundContext } from "../codecs/codec.ts";
import { type ApiName, CODECS, inboundCodec } from "../codecs/registry.ts";
import { GatewayError, type UnifiedRequest } from "../codecs/unified.ts";
import type { ProviderConfig } from "../config/types.ts";
import { presentedSecret } from "../auth/client_keys.ts";
import { passGate } from "../limits/gate.ts";
import { type Candidate, resolveModel } from "../routing/resolve.ts";
import {
  ClientAbortedError,
  GatewayStoppingError,
  type OpenCall,
  openUpstream,
  type UpstreamOutcome,
  type UpstreamRequest,
} from "../upstream/call.ts";
import {
  hiddenStreamEvents,
  prepareProviderCall,
  providerErrorDetails,
} from "../upstream/clouds/provider_call.ts";
import {
  type AttemptFailure,
  failureForStatus,
  retryAfterFromHeaders,
} from "../upstream/failure.ts";
import type { RequestRecord } from "../usage/record.ts";
import type { RequestTrace } from "../telemetry/request_trace.ts";
import { allTargetsFailedError } from "./all_failed.ts";
import { answerStream } from "./answer_stream.ts";
import { answerWhole } from "./answer_whole.ts";
import {
  type Attempt,
  CLIENT_CLOSED,
  type Complete,
  stoppingError,
  streamFailure,
} from "./attempt.ts";
import { readJsonBody } from "./body.ts";
import { misfitAnswer } from "./misfit_answer.ts";
import { applyToolPolicy } from "./tool_policy.ts";
import {
  keepContext,
  resolveResponsesState,
  type ResponsesState,
  stickyCandidates,
  unresolvedStateError,
} from "./responses_state.ts";
import { checkRequestLimits } from "./request_limits.ts";
import type { Gateway } from "./gateway.ts";
import { requireGenerationModel } from "./model_kind.ts";
import { asGatewayError, errorResponse } from "./respond.ts";

export interface GenerationInput {
  request: Request;
  url: URL;
  apiIn: ApiName;
  inbound: InboundContext;
  requestId: string;
  startedAt: number;
  clientIp?: string;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
  /** The request's trace when telemetry is on: each attempt sends its `traceparent`. */
  trace?: RequestTrace;
  /** Called once the body was read whole, authenticated and within the limits. */
  bodyReceived?(body: Record<string, unknown>): void;
}

export async function handleGeneration(input: GenerationInput, gw: Gateway): Promise<Response> {
  const books = openBooks(input, gw);
  try {
    return await generate(input, gw, books);
  } catch (error) {
    // Whatever fails inside, the request still leaves one usage record and a clear answer.
    if (input.signal.aborted) return clientGone(books.complete, books.headers);
    return books.fail(asGatewayError(error));
  }
}

/** A request's usage record and the two ways it ends: `complete` (any status) and `fail`. */
interface Books {
  record: RequestRecord;
  complete: Complete;
  fail(error: GatewayError): Response;
  headers: Record<string, string>;
}

function openBooks(input: GenerationInput, gw: Gateway): Books {
  const inCodec = inboundCodec(input.apiIn);
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
    trace: input.trace,
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
  const headers: Record<string, string> = { "x-request-id": input.requestId };
  const fail = (error: GatewayError): Response => {
    complete(error.status, { kind: error.kind, message: error.message });
    return errorResponse(inCodec, error, headers);
  };
  return { record, complete, fail, headers };
}

async function generate(input: GenerationInput, gw: Gateway, books: Books): Promise<Response> {
  const inCodec = inboundCodec(input.apiIn);
  const { record, complete, fail, headers } = books;

  if (!gw.config.allowNoAuth) {
    const found = gw.keys.identify(
      presentedSecret(input.request.headers, input.apiIn === "gemini" ? input.url : undefined),
    );
    const key = found instanceof Promise ? await found : found;
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
  let state: ResponsesState | undefined;
  try {
    raw = await readJsonBody(
      input.request,
      gw.config.server.maxBodyBytes,
      gw.config.limits.maxJsonDepth,
    ) as Record<string, unknown>;
    input.bodyReceived?.(raw);
    if (input.apiIn === "responses" && gw.responses !== undefined) {
      state = resolveResponsesState(raw, gw.responses, record.key ?? "");
      raw = state.body;
    }
    unified = inCodec.toUnifiedRequest(raw, input.inbound);
    checkRequestLimits(unified, gw.config.limits);
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
    candidates = stickyCandidates(state, gw.config, resolution.candidates);
    requireGenerationModel(gw.config, unified.model, candidates);
    const gate = passGate(gw.keys, gw.limiter, {
      keyName: record.key,
      // An alias's extra names (`match`) are that alias for a key's scope.
      model: resolution.alias ?? unified.model,
      alias: resolution.alias === undefined ? undefined : gw.config.models[resolution.alias],
      candidates,
      maxTokens: unified.maxTokens,
      bodyBytes: () => bodyBytes(input.request, raw),
      requestId: input.requestId,
    });
    const passed = gate instanceof Promise ? await gate : gate;
    if (passed.headers !== undefined) Object.assign(headers, passed.headers);
    if (!passed.ok) {
      record.refused = passed.reason;
      return fail(passed.error);
    }
    record.limitTicket = passed.ticket;
  } catch (error) {
    if (input.signal.aborted || error instanceof ClientAbortedError) {
      return clientGone(complete, headers);
    }
    return fail(asGatewayError(error));
  }

  const encodeContext: EncodeContext = {
    request: unified,
    requestId: input.requestId,
    sse: input.inbound.sse,
    responses: keepContext(state, record),
  };
  const failures: Array<{ candidate: Candidate; failure: AttemptFailure }> = [];

  for (const candidate of candidates) {
    const provider = gw.config.providers[candidate.provider];
    const outCodec: Codec = CODECS[provider.api];
    const passThrough = provider.api === input.apiIn &&
      (inCodec.passThrough.applies?.(unified, input.inbound) ?? true);
    let attemptStart = Date.now();
    const noteAttempt = (failure: AttemptFailure) => {
      // A request that fails in the end is logged under the target of its last attempt.
      record.provider = candidate.provider;
      record.model = candidate.model;
      record.apiOut = provider.api;
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

    const refused = applyToolPolicy(unified, provider.api, passThrough, gw.config, record, headers);
    if (refused !== undefined) return fail(refused);
    const needsState = passThrough ? undefined : unresolvedStateError(unified);
    if (needsState !== undefined) return fail(needsState);
    let upstreamBody = passThrough
      ? inCodec.passThrough.withModel(raw, candidate.model)
      : outCodec.fromUnifiedRequest(unified, {
        model: candidate.model,
        defaultMaxTokens: provider.defaultMaxTokens,
      });
    const hiddenUsage = passThrough && unified.stream
      ? inCodec.passThrough.streamUsageRequest?.(upstreamBody)
      : undefined;
    if (hiddenUsage !== undefined) upstreamBody = hiddenUsage.body;

    const prepared = await prepareProviderCall(outCodec, provider, {
      model: candidate.model,
      stream: unified.stream,
      body: upstreamBody,
      forwarded: forwardedHeaders(provider, input),
      send: gw.upstream,
    });
    if (!prepared.ok) {
      failed(prepared.failure);
      continue;
    }

    let call: OpenCall;
    try {
      const upstreamRequest: UpstreamRequest = {
        url: prepared.call.url,
        headers: prepared.call.headers,
        body: JSON.stringify(prepared.call.body),
        timeouts: provider.timeouts,
        clientSignal: input.signal,
        stopSignal: gw.stopSignal,
        send: gw.upstream,
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
      if (error instanceof ClientAbortedError) return clientGone(complete, headers);
      if (error instanceof GatewayStoppingError) return fail(stoppingError());
      if (error instanceof GatewayError) return fail(error);
      throw error;
    }

    const status = call.response.status;
    const misfit = misfitAnswer(call.response, unified.stream);
    if (misfit !== undefined) {
      call.abort();
      failed(misfit);
      continue;
    }
    if (status < 200 || status > 299) {
      let text = "";
      try {
        text = await call.text(gw.config.limits.upstreamErrorBytes, "truncate");
      } catch {
        // The error body is a courtesy; its status already says what happened.
      }
      const { message, code } = providerErrorDetails(outCodec, provider, status, text);
      const failure = failureForStatus(
        status,
        message,
        retryAfterFromHeaders(call.response.headers, Date.now()),
        outCodec.upstreamErrorKind?.(status, call.response.headers),
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
        return fail(new GatewayError(failure.kind, message, { status, code }));
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
      isHidden: passThrough && unified.stream
        ? hiddenStreamEvents(provider, hiddenUsage?.isHidden)
        : undefined,
      call,
      attemptStart,
      candidate,
      limits: gw.config.limits,
    };

    if (!unified.stream) {
      const answered = await answerWhole(attempt, unified, encodeContext, record, headers);
      if ("failure" in answered) {
        if (input.signal.aborted) return clientGone(complete, headers);
        if (gw.stopSignal?.aborted) return fail(stoppingError());
        failed(answered.failure);
        continue;
      }
      gw.health.reportSuccess(candidate.provider, candidate.model, Date.now());
      if (passThrough) state?.keep?.passedThrough(record);
      afterResponseSent(gw, () => complete(200));
      return answered.response;
    }
    // Nothing has gone to the client yet: a stream that breaks before its first chunk can
    // still fall back to the next target.
    let first: Uint8Array | undefined;
    try {
      first = await call.read();
    } catch (error) {
      call.abort();
      if (input.signal.aborted) return clientGone(complete, headers);
      if (error instanceof GatewayStoppingError) return fail(stoppingError());
      failed(streamFailure(error));
      continue;
    }
    gw.health.reportSuccess(candidate.provider, candidate.model, Date.now());
    const keepOnSuccess: Complete = (status, error) => {
      if (status === 200 && passThrough) state?.keep?.passedThrough(record);
      complete(status, error);
    };
    return answerStream(attempt, first, unified, encodeContext, record, headers, keepOnSuccess, gw);
  }

  return fail(allTargetsFailedError(unified.model, failures));
}

/** Client headers a same-API upstream should see (`PassThrough.forwardedHeaders`), and trace context. */
function forwardedHeaders(
  provider: ProviderConfig,
  input: GenerationInput,
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (provider.api === input.apiIn) {
    for (const name of inboundCodec(input.apiIn).passThrough.forwardedHeaders) {
      const value = input.request.headers.get(name);
      if (value !== null) headers[name] = value;
    }
  }
  // W3C trace context for the provider (docs/observability.md).
  if (input.trace !== undefined) headers.traceparent = input.trace.nextAttemptTraceparent();
  return headers;
}

/**
 * Runs bookkeeping once the runtime has had a turn to send the response: the usage record is
 * not worth a later first byte.
 */
function afterResponseSent(gw: Gateway, work: () => void): void {
  if (gw.turns === undefined) return work();
  gw.turns.next().then(work).catch((error) => {
    console.error("plexus: bookkeeping failed:", error instanceof Error ? error.message : error);
  });
}

function clientGone(complete: Complete, headers: Record<string, string>): Response {
  complete(CLIENT_CLOSED, { kind: "client_aborted", message: "client disconnected" });
  return new Response(null, { status: CLIENT_CLOSED, headers });
}

/** The request body's size: its declared length, or the parsed body's when it had none. */
function bodyBytes(request: Request, raw: Record<string, unknown>): number {
  const length = Number(request.headers.get("content-length"));
  return Number.isFinite(length) && length > 0 ? length : JSON.stringify(raw).length;
}

/** About four bytes of JSON per prompt token: enough to rank targets by cost. */
function estimatedInputTokens(request: Request): number | undefined {
  const length = Number(request.headers.get("content-length"));
  return Number.isFinite(length) && length > 0 ? Math.ceil(length / 4) : undefined;
}
