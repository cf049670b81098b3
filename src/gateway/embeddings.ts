/**
 * One embeddings request from arrival to answer: authenticate, read and check the body, resolve
 * the model (which must be marked `kind: embedding`), try its targets in order until one embeds
 * every input, answer in the client's dialect, and leave exactly one usage record.
 */
import type {
  EmbeddingInbound,
  EmbeddingsCodec,
  UnifiedEmbeddingRequest,
} from "../codecs/embeddings.ts";
import { estimateEmbeddingTokens } from "../codecs/embeddings.ts";
import { EMBEDDING_CODECS } from "../codecs/embeddings_registry.ts";
import { type ApiName, inboundCodec } from "../codecs/registry.ts";
import { emptyUsage, GatewayError } from "../codecs/unified.ts";
import { passGate } from "../limits/gate.ts";
import { checkClientKey } from "./client_key.ts";
import { type Candidate, resolveModel } from "../routing/resolve.ts";
import { embeddingsCodecFor } from "../upstream/clouds/provider_call.ts";
import { ClientAbortedError, GatewayStoppingError } from "../upstream/call.ts";
import type { AttemptFailure } from "../upstream/failure.ts";
import type { RequestTrace } from "../telemetry/request_trace.ts";
import type { RequestRecord } from "../usage/record.ts";
import { allTargetsFailedError } from "./all_failed.ts";
import { CLIENT_CLOSED, stoppingError } from "./attempt.ts";
import { readJsonBody } from "./body.ts";
import { embedAtTarget } from "./embedding_calls.ts";
import { requireEmbeddingModel } from "./model_kind.ts";
import type { Gateway } from "./gateway.ts";
import { asGatewayError, errorResponse, jsonResponse } from "./respond.ts";

export interface EmbeddingsInput {
  request: Request;
  url: URL;
  /** The client's dialect. */
  codec: EmbeddingsCodec;
  inbound: EmbeddingInbound;
  requestId: string;
  startedAt: number;
  clientIp?: string;
  signal: AbortSignal;
  /** The request's trace when telemetry is on: each target's calls send its `traceparent`. */
  trace?: RequestTrace;
}

export async function handleEmbeddings(input: EmbeddingsInput, gw: Gateway): Promise<Response> {
  const books = new Bookkeeping(input, gw);
  let admitted: { request: UnifiedEmbeddingRequest; candidates: Candidate[] };
  try {
    admitted = await admit(input, gw, books.record, books.headers);
  } catch (error) {
    if (input.signal.aborted) return books.clientGone();
    return books.fail(asGatewayError(error));
  }
  return await tryTargets(input, gw, books, admitted.request, admitted.candidates);
}

/** Authenticates, reads and checks the body, and resolves an embedding model's targets. */
async function admit(
  input: EmbeddingsInput,
  gw: Gateway,
  record: RequestRecord,
  responseHeaders: Record<string, string>,
): Promise<{ request: UnifiedEmbeddingRequest; candidates: Candidate[] }> {
  const check = await checkClientKey(gw, input.request, input.url, inboundCodec(input.codec.api));
  if (!check.ok) throw check.error;
  if (check.key !== undefined) record.key = check.key;
  const body = await readJsonBody(
    input.request,
    gw.config.server.maxBodyBytes,
    gw.config.limits.maxJsonDepth,
  );
  const request = input.codec.decodeRequest(body, input.inbound);
  record.modelRequested = request.model;
  const resolution = resolveModel(gw.config, request.model, gw.health, Date.now(), gw.stats);
  record.alias = resolution.alias;
  requireEmbeddingModel(gw.config, request.model, resolution.candidates);
  // Key scopes and limits (docs/teams.md); an embedding generates no output tokens.
  const gate = passGate(gw.keys, gw.limiter, {
    keyName: record.key,
    model: request.model,
    alias: resolution.alias === undefined ? undefined : gw.config.models[resolution.alias],
    candidates: resolution.candidates,
    maxTokens: 0,
    bodyBytes: () => Number(input.request.headers.get("content-length")) || 0,
    requestId: input.requestId,
  });
  const passed = gate instanceof Promise ? await gate : gate;
  if (passed.headers !== undefined) Object.assign(responseHeaders, passed.headers);
  if (!passed.ok) {
    record.refused = passed.reason;
    throw passed.error;
  }
  record.limitTicket = passed.ticket;
  return { request, candidates: resolution.candidates };
}

/** Each target in turn until one embeds every input; fallback as for generation. */
async function tryTargets(
  input: EmbeddingsInput,
  gw: Gateway,
  books: Bookkeeping,
  request: UnifiedEmbeddingRequest,
  candidates: Candidate[],
): Promise<Response> {
  const failures: Array<{ candidate: Candidate; failure: AttemptFailure }> = [];
  const refusals: GatewayError[] = [];
  const trace = input.trace;
  for (const candidate of candidates) {
    const provider = gw.config.providers[candidate.provider];
    const apiCodec = EMBEDDING_CODECS[provider.api];
    if (apiCodec === undefined) continue;
    const codec = embeddingsCodecFor(provider, candidate.model, apiCodec);
    const attemptStart = Date.now();
    let outcome;
    try {
      outcome = await embedAtTarget(request, {
        provider,
        model: candidate.model,
        codec,
        clientSignal: input.signal,
        stopSignal: gw.stopSignal,
        send: gw.upstream,
        retryOnConnectionReset: gw.config.retryOnConnectionReset,
        traceparent: trace && (() => trace.nextAttemptTraceparent()),
      });
    } catch (error) {
      if (error instanceof ClientAbortedError) return books.clientGone();
      if (error instanceof GatewayStoppingError) return books.fail(stoppingError());
      // An input this target's API cannot express: another target may take it.
      const refused = asGatewayError(error);
      refusals.push(refused);
      failures.push({ candidate, failure: refusal(refused) });
      continue;
    }
    if (outcome.ok) {
      books.attempt(candidate, provider.api, attemptStart, 200);
      gw.health.reportSuccess(candidate.provider, candidate.model, Date.now());
      return books.answered(candidate, provider.api, attemptStart, request, outcome);
    }
    const { failure } = outcome;
    books.attempt(candidate, provider.api, attemptStart, failure.status ?? 502, failure.message);
    if (!failure.fallback) {
      return books.fail(
        new GatewayError(failure.kind, failure.message, { status: failure.status }),
      );
    }
    failures.push({ candidate, failure });
    gw.health.reportFailure(candidate.provider, candidate.model, failure, Date.now());
  }
  // Every target refused the input itself: that is the client's 400, not an outage.
  if (refusals.length > 0 && refusals.length === failures.length) return books.fail(refusals[0]);
  return books.fail(allTargetsFailedError(request.model, failures));
}

/** The request's one usage record and the responses that end it. */
class Bookkeeping {
  readonly record: RequestRecord;
  /** Sent with every answer: the request id, and rate-limit headers once the key's limits ran. */
  readonly headers: Record<string, string>;
  readonly #dialect: EmbeddingsCodec;
  readonly #usage: Gateway["usage"];

  constructor(input: EmbeddingsInput, gw: Gateway) {
    this.record = {
      requestId: input.requestId,
      startedAt: input.startedAt,
      apiIn: input.codec.api,
      kind: "embedding",
      stream: false,
      status: 0,
      attempts: [],
      usageSource: "none",
      durationMs: 0,
      clientIp: input.clientIp,
      userAgent: input.request.headers.get("user-agent") ?? undefined,
      trace: input.trace,
    };
    this.headers = { "x-request-id": input.requestId };
    this.#dialect = input.codec;
    this.#usage = gw.usage;
  }

  /** A request that fails in the end is logged under the target of its last attempt. */
  attempt(
    candidate: Candidate,
    api: ApiName,
    startedAt: number,
    status: number,
    reason?: string,
  ): void {
    this.servedBy(candidate, api);
    this.record.attempts.push({
      provider: candidate.provider,
      model: candidate.model,
      status,
      ...(reason === undefined ? {} : { reason }),
      ms: Date.now() - startedAt,
    });
  }

  servedBy(candidate: Candidate, api: ApiName): void {
    this.record.provider = candidate.provider;
    this.record.model = candidate.model;
    this.record.apiOut = api;
  }

  /** The answer in the client's dialect; usage estimated when the provider gave no count. */
  answered(
    candidate: Candidate,
    api: ApiName,
    attemptStart: number,
    request: UnifiedEmbeddingRequest,
    outcome: { vectors: number[][]; inputTokens?: number },
  ): Response {
    this.servedBy(candidate, api);
    this.record.upstreamMs = Date.now() - attemptStart;
    this.record.usageSource = outcome.inputTokens === undefined ? "estimated" : "provider";
    const inputTokens = outcome.inputTokens ?? estimateEmbeddingTokens(request.items);
    this.record.usage = { ...emptyUsage(), inputTokens };
    const answer = this.#dialect.encodeResponse({ vectors: outcome.vectors, inputTokens }, request);
    this.#complete(200);
    return jsonResponse(answer, 200, this.headers);
  }

  fail(error: GatewayError): Response {
    this.#complete(error.status, { kind: error.kind, message: error.message });
    return errorResponse(inboundCodec(this.#dialect.api), error, this.headers);
  }

  clientGone(): Response {
    this.#complete(CLIENT_CLOSED, { kind: "client_aborted", message: "client disconnected" });
    return new Response(null, { status: CLIENT_CLOSED, headers: this.headers });
  }

  #complete(status: number, error?: RequestRecord["error"]): void {
    this.record.status = status;
    if (error !== undefined) this.record.error = error;
    this.record.durationMs = Date.now() - this.record.startedAt;
    this.#usage.record(this.record);
  }
}

function refusal(error: GatewayError): AttemptFailure {
  return {
    reason: "status",
    status: error.status,
    kind: error.kind,
    message: error.message,
    fallback: true,
    providerWide: false,
  };
}
