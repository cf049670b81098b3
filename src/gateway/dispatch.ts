/**
 * One generation request from arrival to the last byte, in named steps: authenticate, read the
 * request (body, translation, limits, targets), then try one candidate after another until one
 * answered or one failure is final, leaving exactly one usage record whatever happens.
 *
 * A target may be abandoned only before the client got its first byte. After that, an upstream
 * failure ends the stream with an error in the client's dialect.
 */
import type { UnifiedRequest } from "../codecs/unified.ts";
import { passGate } from "../limits/gate.ts";
import { type Candidate, resolveModel } from "../routing/resolve.ts";
import { ClientAbortedError } from "../upstream/call.ts";
import type { AttemptFailure } from "../upstream/failure.ts";
import { allTargetsFailedError } from "./all_failed.ts";
import { recordAttempt } from "./attempt.ts";
import { readJsonBody } from "./body.ts";
import { checkClientKey } from "./client_key.ts";
import type { Gateway } from "./gateway.ts";
import { requireGenerationModel } from "./model_kind.ts";
import { checkRequestLimits } from "./request_limits.ts";
import {
  type GenerationInput,
  openScope,
  type ReadRequest,
  type RequestScope,
} from "./request_scope.ts";
import { asGatewayError } from "./respond.ts";
import {
  keepContext,
  resolveResponsesState,
  type ResponsesState,
  stickyCandidates,
} from "./responses_state.ts";
import { tryCandidate } from "./try_candidate.ts";

export type { GenerationInput };

export async function handleGeneration(input: GenerationInput, gw: Gateway): Promise<Response> {
  const scope = openScope(input, gw);
  try {
    return await generate(scope);
  } catch (error) {
    // Whatever fails inside, the request still leaves one usage record and a clear answer.
    if (input.signal.aborted) return scope.clientGone();
    return scope.fail(asGatewayError(error));
  }
}

async function generate(scope: RequestScope): Promise<Response> {
  const denied = await authenticate(scope);
  if (denied !== undefined) return denied;
  const read = await readRequest(scope);
  if (read instanceof Response) return read;
  const failures: Array<{ candidate: Candidate; failure: AttemptFailure }> = [];
  for (const candidate of read.candidates) {
    const tried = await tryCandidate(scope, read, candidate);
    if (tried.kind !== "failed") return tried.response;
    const { failure, target } = tried;
    recordAttempt(scope.record, target, failure.status ?? 502, failure.message);
    failures.push({ candidate, failure });
    scope.gw.health.reportFailure(candidate.provider, candidate.model, failure, Date.now());
  }
  return scope.fail(allTargetsFailedError(read.unified.model, failures));
}

/** The caller's key; its name goes into the usage record. */
async function authenticate(scope: RequestScope): Promise<Response | undefined> {
  const { input, gw, client } = scope;
  const checked = checkClientKey(gw, input.request, input.url, client);
  const check = checked instanceof Promise ? await checked : checked;
  if (!check.ok) return scope.fail(check.error);
  if (check.key !== undefined) scope.record.key = check.key;
  return undefined;
}

/** Body, translation, limits and targets; the answer when any of it refuses the request. */
async function readRequest(scope: RequestScope): Promise<ReadRequest | Response> {
  const { input, gw, client, record } = scope;
  try {
    let raw = await readJsonBody(
      input.request,
      gw.config.server.maxBodyBytes,
      gw.config.limits.maxJsonDepth,
    ) as Record<string, unknown>;
    input.bodyReceived?.(raw);
    let state: ResponsesState | undefined;
    if (input.apiIn === "responses" && gw.responses !== undefined) {
      state = resolveResponsesState(raw, gw.responses, record.key ?? "");
      raw = state.body;
    }
    const unified = client.toUnifiedRequest(raw, input.inbound);
    checkRequestLimits(unified, gw.config.limits);
    record.modelRequested = unified.model;
    record.stream = unified.stream;
    const candidates = route(scope, unified, state);
    const refused = await passLimits(scope, unified, candidates, raw);
    if (refused !== undefined) return refused;
    const encodeContext = {
      request: unified,
      requestId: input.requestId,
      sse: input.inbound.sse,
      responses: keepContext(state, record),
    };
    return { raw, unified, candidates, encodeContext, state };
  } catch (error) {
    if (input.signal.aborted || error instanceof ClientAbortedError) return scope.clientGone();
    return scope.fail(asGatewayError(error));
  }
}

/** The ordered targets for the requested model (throws a `GatewayError` when there are none). */
function route(
  scope: RequestScope,
  unified: UnifiedRequest,
  state: ResponsesState | undefined,
): Candidate[] {
  const { input, gw, record } = scope;
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
  const candidates = stickyCandidates(state, gw.config, resolution.candidates);
  requireGenerationModel(gw.config, unified.model, candidates);
  return candidates;
}

/** The key's scopes, rate limits and budgets; the refusal when one says no. */
async function passLimits(
  scope: RequestScope,
  unified: UnifiedRequest,
  candidates: Candidate[],
  raw: Record<string, unknown>,
): Promise<Response | undefined> {
  const { input, gw, record, headers } = scope;
  const gate = passGate(gw.keys, gw.limiter, {
    keyName: record.key,
    // An alias's extra names (`match`) are that alias for a key's scope.
    model: record.alias ?? unified.model,
    alias: record.alias === undefined ? undefined : gw.config.models[record.alias],
    candidates,
    maxTokens: unified.maxTokens,
    bodyBytes: () => bodyBytes(input.request, raw),
    requestId: input.requestId,
  });
  const passed = gate instanceof Promise ? await gate : gate;
  if (passed.headers !== undefined) Object.assign(headers, passed.headers);
  if (!passed.ok) {
    record.refused = passed.reason;
    return scope.fail(passed.error);
  }
  record.limitTicket = passed.ticket;
  return undefined;
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
