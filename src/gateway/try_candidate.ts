/**
 * One try at one target: build the upstream body, open the call, check its status, and answer
 * whole or streamed. Ends `answered` (the client has its answer), `failed` (the next target may
 * try) or `final` (no other target may: the client left, the gateway stops, the request is wrong).
 */
import type { Codec } from "../codecs/codec.ts";
import { CODECS } from "../codecs/registry.ts";
import { GatewayError, type UnifiedRequest } from "../codecs/unified.ts";
import type { ProviderConfig } from "../config/types.ts";
import type { Candidate } from "../routing/resolve.ts";
import {
  ClientAbortedError,
  GatewayStoppingError,
  type OpenCall,
  openUpstream,
  type UpstreamOutcome,
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
import { answerStream } from "./answer_stream.ts";
import { answerWhole } from "./answer_whole.ts";
import {
  type Attempt,
  type AttemptTarget,
  recordAttempt,
  stoppingError,
  streamFailure,
} from "./attempt.ts";
import type { Gateway } from "./gateway.ts";
import type { ReadRequest, RequestScope } from "./request_scope.ts";
import { applyToolPolicy } from "./tool_policy.ts";
import { misfitAnswer } from "./misfit_answer.ts";
import { unresolvedStateError } from "./responses_state.ts";

export type Tried =
  | { kind: "answered"; response: Response }
  | { kind: "failed"; failure: AttemptFailure; target: AttemptTarget }
  | { kind: "final"; response: Response };

/** A call's body, where it goes, and what the answer modules need to know about it. */
interface Planned {
  provider: ProviderConfig;
  outCodec: Codec;
  passThrough: boolean;
  body: Record<string, unknown>;
  isHidden?: Attempt["isHidden"];
}

export async function tryCandidate(
  scope: RequestScope,
  read: ReadRequest,
  candidate: Candidate,
): Promise<Tried> {
  const planned = plan(scope, read, candidate);
  if (planned instanceof GatewayError) return { kind: "final", response: scope.fail(planned) };
  const target: AttemptTarget = {
    candidate,
    apiOut: planned.provider.api,
    attemptStart: Date.now(),
  };
  const opened = await open(scope, read.unified, planned, target);
  if (opened.kind !== "open") return opened;
  const { call } = opened;
  const misfit = misfitAnswer(call.response, read.unified.stream);
  if (misfit !== undefined) {
    call.abort();
    return { kind: "failed", failure: misfit, target };
  }
  const status = call.response.status;
  if (status < 200 || status > 299) return await refused(scope, planned, target, call);
  recordTarget(scope, target);
  const attempt: Attempt = {
    ...target,
    outCodec: planned.outCodec,
    inCodec: scope.client,
    passThrough: planned.passThrough,
    isHidden: planned.isHidden,
    call,
    limits: scope.gw.config.limits,
  };
  return read.unified.stream
    ? await answerStreamed(scope, read, attempt)
    : await answerWholly(scope, read, attempt);
}

/** The upstream body for this target, or the refusal when the request's tools cannot go there. */
function plan(
  scope: RequestScope,
  read: ReadRequest,
  candidate: Candidate,
): Planned | GatewayError {
  const { input, gw, client, record, headers } = scope;
  const { unified, raw } = read;
  const provider = gw.config.providers[candidate.provider];
  const outCodec: Codec = CODECS[provider.api];
  const passThrough = provider.api === input.apiIn &&
    (client.passThrough.applies?.(unified, input.inbound) ?? true);
  const refusal = applyToolPolicy(unified, provider.api, passThrough, gw.config, record, headers);
  if (refusal !== undefined) return refusal;
  const needsState = passThrough ? undefined : unresolvedStateError(unified);
  if (needsState !== undefined) return needsState;
  let body = passThrough
    ? client.passThrough.withModel(raw, candidate.model)
    : outCodec.fromUnifiedRequest(unified, {
      model: candidate.model,
      defaultMaxTokens: provider.defaultMaxTokens,
    });
  const hiddenUsage = passThrough && unified.stream
    ? client.passThrough.streamUsageRequest?.(body)
    : undefined;
  if (hiddenUsage !== undefined) body = hiddenUsage.body;
  const isHidden = passThrough && unified.stream
    ? hiddenStreamEvents(provider, hiddenUsage?.isHidden)
    : undefined;
  return { provider, outCodec, passThrough, body, isHidden };
}

type Opened = { kind: "open"; call: OpenCall } | Exclude<Tried, { kind: "answered" }>;

/** Sends the call and waits for its head; a reset connection gets one more try. */
async function open(
  scope: RequestScope,
  unified: UnifiedRequest,
  planned: Planned,
  target: AttemptTarget,
): Promise<Opened> {
  const { input, gw } = scope;
  const { provider } = planned;
  const prepared = await prepareProviderCall(planned.outCodec, provider, {
    model: target.candidate.model,
    stream: unified.stream,
    body: planned.body,
    forwarded: forwardedHeaders(scope, provider),
    send: gw.upstream,
  });
  if (!prepared.ok) return { kind: "failed", failure: prepared.failure, target };
  const request = {
    url: prepared.call.url,
    headers: prepared.call.headers,
    body: JSON.stringify(prepared.call.body),
    timeouts: provider.timeouts,
    clientSignal: input.signal,
    stopSignal: gw.stopSignal,
    send: gw.upstream,
  };
  try {
    let outcome: UpstreamOutcome = await openUpstream(request);
    // A reset connection is often a stale pooled socket: one more try at the same target.
    if (!outcome.ok && outcome.failure.connectionReset && gw.config.retryOnConnectionReset) {
      recordAttempt(scope.record, target, outcome.failure.status ?? 502, outcome.failure.message);
      target.attemptStart = Date.now();
      outcome = await openUpstream(request);
    }
    if (!outcome.ok) return { kind: "failed", failure: outcome.failure, target };
    return { kind: "open", call: outcome.call };
  } catch (error) {
    if (error instanceof ClientAbortedError) return { kind: "final", response: scope.clientGone() };
    if (error instanceof GatewayStoppingError) {
      return { kind: "final", response: scope.fail(stoppingError()) };
    }
    if (error instanceof GatewayError) return { kind: "final", response: scope.fail(error) };
    throw error;
  }
}

/** A non-2xx head: the next target may try, unless the status says the request itself is wrong. */
async function refused(
  scope: RequestScope,
  planned: Planned,
  target: AttemptTarget,
  call: OpenCall,
): Promise<Tried> {
  const status = call.response.status;
  let text = "";
  try {
    text = await call.text(scope.gw.config.limits.upstreamErrorBytes, "truncate");
  } catch {
    // The error body is a courtesy; its status already says what happened.
  }
  const { message, code } = providerErrorDetails(planned.outCodec, planned.provider, status, text);
  const retryAfter = retryAfterFromHeaders(call.response.headers, Date.now());
  const kind = planned.outCodec.upstreamErrorKind?.(status, call.response.headers);
  const failure = failureForStatus(status, message, retryAfter, kind);
  if (failure.fallback) return { kind: "failed", failure, target };
  recordAttempt(scope.record, target, status, message);
  const error = new GatewayError(failure.kind, message, { status, code });
  return { kind: "final", response: scope.fail(error) };
}

/** The request is logged under the target that answers, before the answer is read. */
function recordTarget(scope: RequestScope, target: AttemptTarget): void {
  scope.record.provider = target.candidate.provider;
  scope.record.model = target.candidate.model;
  scope.record.apiOut = target.apiOut;
}

async function answerWholly(
  scope: RequestScope,
  read: ReadRequest,
  attempt: Attempt,
): Promise<Tried> {
  const { gw, input, record, headers } = scope;
  const answered = await answerWhole(attempt, read.unified, read.encodeContext, record, headers);
  if ("failure" in answered) {
    if (input.signal.aborted) return { kind: "final", response: scope.clientGone() };
    if (gw.stopSignal?.aborted) return { kind: "final", response: scope.fail(stoppingError()) };
    return { kind: "failed", failure: answered.failure, target: attempt };
  }
  const { candidate } = attempt;
  gw.health.reportSuccess(candidate.provider, candidate.model, Date.now());
  if (attempt.passThrough) read.state?.keep?.passedThrough(record);
  afterResponseSent(gw, () => scope.complete(200));
  return { kind: "answered", response: answered.response };
}

/**
 * Nothing has gone to the client yet: a stream that breaks before its first chunk can still fall
 * back to the next target.
 */
async function answerStreamed(
  scope: RequestScope,
  read: ReadRequest,
  attempt: Attempt,
): Promise<Tried> {
  const { gw, input } = scope;
  const { call, candidate } = attempt;
  let first: Uint8Array | undefined;
  try {
    first = await call.read();
  } catch (error) {
    call.abort();
    if (input.signal.aborted) return { kind: "final", response: scope.clientGone() };
    if (error instanceof GatewayStoppingError) {
      return { kind: "final", response: scope.fail(stoppingError()) };
    }
    return { kind: "failed", failure: streamFailure(error), target: attempt };
  }
  gw.health.reportSuccess(candidate.provider, candidate.model, Date.now());
  return { kind: "answered", response: answerStream(scope, read, attempt, first) };
}

/** Client headers a same-API upstream should see (`PassThrough.forwardedHeaders`), and trace context. */
function forwardedHeaders(scope: RequestScope, provider: ProviderConfig): Record<string, string> {
  const { input, client } = scope;
  const headers: Record<string, string> = {};
  if (provider.api === input.apiIn) {
    for (const name of client.passThrough.forwardedHeaders) {
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
