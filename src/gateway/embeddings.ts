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
import { CODECS } from "../codecs/registry.ts";
import { emptyUsage, GatewayError } from "../codecs/unified.ts";
import { passGate } from "../limits/gate.ts";
import { presentedSecret } from "../auth/client_keys.ts";
import { type Candidate, resolveModel } from "../routing/resolve.ts";
import { embeddingsCodecFor } from "../upstream/clouds/provider_call.ts";
import { ClientAbortedError, GatewayStoppingError } from "../upstream/call.ts";
import type { AttemptFailure } from "../upstream/failure.ts";
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
}

export async function handleEmbeddings(input: EmbeddingsInput, gw: Gateway): Promise<Response> {
  const record: RequestRecord = {
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
  };
  const headers: Record<string, string> = { "x-request-id": input.requestId };
  const complete = (status: number, error?: RequestRecord["error"]) => {
    record.status = status;
    if (error !== undefined) record.error = error;
    record.durationMs = Date.now() - input.startedAt;
    gw.usage.record(record);
  };
  const fail = (error: GatewayError): Response => {
    complete(error.status, { kind: error.kind, message: error.message });
    return errorResponse(CODECS[input.codec.api], error, headers);
  };

  let request: UnifiedEmbeddingRequest;
  let candidates: Candidate[];
  try {
    if (!gw.config.allowNoAuth) {
      const geminiUrl = input.codec.api === "gemini" ? input.url : undefined;
      const found = gw.keys.identify(presentedSecret(input.request.headers, geminiUrl));
      const key = found instanceof Promise ? await found : found;
      if (key === undefined) {
        throw new GatewayError("authentication", "Invalid or missing API key.", {
          code: "invalid_api_key",
        });
      }
      record.key = key;
    }
    const body = await readJsonBody(
      input.request,
      gw.config.server.maxBodyBytes,
      gw.config.limits.maxJsonDepth,
    );
    request = input.codec.decodeRequest(body, input.inbound);
    record.modelRequested = request.model;
    const resolution = resolveModel(gw.config, request.model, gw.health, Date.now(), gw.stats);
    record.alias = resolution.alias;
    candidates = resolution.candidates;
    requireEmbeddingModel(gw.config, request.model, candidates);
    const gate = passGate(gw.keys, gw.limiter, {
      keyName: record.key,
      model: request.model,
      alias: resolution.alias === undefined ? undefined : gw.config.models[resolution.alias],
      candidates,
      maxTokens: 0,
      bodyBytes: () => Number(input.request.headers.get("content-length")) || 0,
      requestId: input.requestId,
    });
    const passed = gate instanceof Promise ? await gate : gate;
    if (passed.headers !== undefined) Object.assign(headers, passed.headers);
    if (!passed.ok) {
      record.refused = passed.reason;
      throw passed.error;
    }
    record.limitTicket = passed.ticket;
  } catch (error) {
    if (input.signal.aborted) return clientGone(complete, headers);
    return fail(asGatewayError(error));
  }

  const failures: Array<{ candidate: Candidate; failure: AttemptFailure }> = [];
  const refusals: GatewayError[] = [];
  for (const candidate of candidates) {
    const provider = gw.config.providers[candidate.provider];
    const apiCodec = EMBEDDING_CODECS[provider.api];
    if (apiCodec === undefined) continue;
    const codec = embeddingsCodecFor(provider, candidate.model, apiCodec);
    const attemptStart = Date.now();
    const note = (status: number, reason?: string) => {
      // A request that fails in the end is logged under the target of its last attempt.
      record.provider = candidate.provider;
      record.model = candidate.model;
      record.apiOut = provider.api;
      record.attempts.push({
        provider: candidate.provider,
        model: candidate.model,
        status,
        ...(reason === undefined ? {} : { reason }),
        ms: Date.now() - attemptStart,
      });
    };
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
      });
    } catch (error) {
      if (error instanceof ClientAbortedError) return clientGone(complete, headers);
      if (error instanceof GatewayStoppingError) return fail(stoppingError());
      // An input this target's API cannot express: another target may take it.
      const refused = asGatewayError(error);
      refusals.push(refused);
      failures.push({ candidate, failure: refusal(refused) });
      continue;
    }
    if (!outcome.ok) {
      const { failure } = outcome;
      note(failure.status ?? 502, failure.message);
      if (!failure.fallback) {
        record.provider = candidate.provider;
        record.model = candidate.model;
        record.apiOut = provider.api;
        return fail(new GatewayError(failure.kind, failure.message, { status: failure.status }));
      }
      failures.push({ candidate, failure });
      gw.health.reportFailure(candidate.provider, candidate.model, failure, Date.now());
      continue;
    }
    note(200);
    gw.health.reportSuccess(candidate.provider, candidate.model, Date.now());
    record.provider = candidate.provider;
    record.model = candidate.model;
    record.apiOut = provider.api;
    record.upstreamMs = Date.now() - attemptStart;
    record.usageSource = outcome.inputTokens === undefined ? "estimated" : "provider";
    const inputTokens = outcome.inputTokens ?? estimateEmbeddingTokens(request.items);
    record.usage = { ...emptyUsage(), inputTokens };
    const answer = input.codec.encodeResponse({ vectors: outcome.vectors, inputTokens }, request);
    complete(200);
    return jsonResponse(answer, 200, headers);
  }
  // Every target refused the input itself: that is the client's 400, not an outage.
  if (refusals.length > 0 && refusals.length === failures.length) return fail(refusals[0]);
  return fail(allTargetsFailedError(request.model, failures));
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

function clientGone(
  complete: (status: number, error?: RequestRecord["error"]) => void,
  headers: Record<string, string>,
): Response {
  complete(CLIENT_CLOSED, { kind: "client_aborted", message: "client disconnected" });
  return new Response(null, { status: CLIENT_CLOSED, headers });
}
