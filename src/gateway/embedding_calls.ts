/**
 * Embeddings at one target: the request split into as many upstream calls as the provider's
 * per-call limit needs, a few of them in flight at a time, reassembled in input order. The first
 * failing call cancels the others and fails the whole target (the caller may fall back).
 */
import { DEFAULT_LIMITS } from "../config/limits.ts";
import type { EmbeddingsCodec, UnifiedEmbeddingRequest } from "../codecs/embeddings.ts";
import { CODECS } from "../codecs/registry.ts";
import type { ProviderConfig } from "../config/types.ts";
import {
  ClientAbortedError,
  GatewayStoppingError,
  openUpstream,
  type UpstreamOutcome,
  type UpstreamRequest,
} from "../upstream/call.ts";
import {
  type AttemptFailure,
  badResponseFailure,
  failureForStatus,
  retryAfterFromHeaders,
} from "../upstream/failure.ts";
import { prepareEmbeddingCall, providerErrorDetails } from "../upstream/clouds/provider_call.ts";
import type { SendUpstream } from "../upstream/types.ts";
import { streamFailure } from "./attempt.ts";

/** Upstream calls one request may have in flight at once: fast, without flooding a provider. */
export const MAX_CONCURRENT_CALLS = 4;

export interface EmbeddingTargetCall {
  provider: ProviderConfig;
  model: string;
  codec: EmbeddingsCodec;
  clientSignal: AbortSignal;
  stopSignal?: AbortSignal;
  send?: SendUpstream;
  retryOnConnectionReset: boolean;
  /** A new `traceparent` for this target's calls (telemetry on): asked once, when they start. */
  traceparent?: () => string;
}

export type TargetOutcome =
  | { ok: true; vectors: number[][]; inputTokens?: number }
  | { ok: false; failure: AttemptFailure };

/**
 * The calls for `count` items, as lists of item indexes: items with the same `callKey` together,
 * in input order, at most `maxPerCall` per call.
 */
export function planCalls(
  items: readonly unknown[],
  maxPerCall: number,
  callKey?: (index: number) => string,
): number[][] {
  const groups = new Map<string, number[]>();
  for (let index = 0; index < items.length; index++) {
    const key = callKey?.(index) ?? "";
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [index]);
    else group.push(index);
  }
  const calls: number[][] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += maxPerCall) {
      calls.push(group.slice(start, start + maxPerCall));
    }
  }
  return calls;
}

/**
 * Embeds every item at one target. Encoding problems (an input this API cannot express) throw
 * a `GatewayError` before anything is sent; a client that left or a gateway that stops throws
 * `ClientAbortedError` / `GatewayStoppingError`; everything else is a failure of the target.
 */
export async function embedAtTarget(
  request: UnifiedEmbeddingRequest,
  target: EmbeddingTargetCall,
): Promise<TargetOutcome> {
  const { codec, model } = target;
  const plan = planCalls(
    request.items,
    codec.maxInputsPerCall,
    codec.callKey === undefined ? undefined : (index) => codec.callKey!(request.items[index]),
  );
  const bodies = plan.map((indexes) =>
    JSON.stringify(codec.encodeRequest(indexes.map((i) => request.items[i]), { model, request }))
  );
  const prepared = await prepareEmbeddingCall(codec, target.provider, model, target.send);
  if (!prepared.ok) return { ok: false, failure: prepared.failure };
  const { url, headers } = prepared;
  const traceparent = target.traceparent?.();
  if (traceparent !== undefined) headers.traceparent = traceparent;
  const cancel = new AbortController();
  const signal = AbortSignal.any([target.clientSignal, cancel.signal]);
  const vectors = new Array<number[]>(request.items.length);
  let tokens: number | undefined = 0;
  let failure: AttemptFailure | undefined;
  let thrown: unknown;
  let next = 0;
  const worker = async () => {
    while (failure === undefined && thrown === undefined && next < plan.length) {
      const call = next++;
      try {
        const outcome = await embedCall(
          { url, headers, body: bodies[call] },
          plan[call].length,
          target,
          signal,
        );
        if (!outcome.ok) {
          failure ??= outcome.failure;
          cancel.abort();
          return;
        }
        plan[call].forEach((itemIndex, position) => {
          vectors[itemIndex] = outcome.vectors[position];
        });
        tokens = tokens === undefined || outcome.inputTokens === undefined
          ? undefined
          : tokens + outcome.inputTokens;
      } catch (error) {
        // A sibling's failure cancels this call too: that is not the client leaving.
        if (failure === undefined) thrown ??= error;
        cancel.abort();
        return;
      }
    }
  };
  const workers = Math.min(MAX_CONCURRENT_CALLS, plan.length);
  await Promise.all(Array.from({ length: workers }, worker));
  if (target.clientSignal.aborted) throw new ClientAbortedError();
  if (failure !== undefined) return { ok: false, failure };
  if (thrown !== undefined) throw thrown;
  return tokens === undefined ? { ok: true, vectors } : { ok: true, vectors, inputTokens: tokens };
}

type CallOutcome =
  | { ok: true; vectors: number[][]; inputTokens?: number }
  | { ok: false; failure: AttemptFailure };

/** One upstream call for `count` items; one more try on a fresh connection after a reset. */
async function embedCall(
  call: { url: string; headers: Record<string, string>; body: string },
  count: number,
  target: EmbeddingTargetCall,
  signal: AbortSignal,
): Promise<CallOutcome> {
  const { provider } = target;
  const upstreamRequest: UpstreamRequest = {
    ...call,
    timeouts: provider.timeouts,
    clientSignal: signal,
    stopSignal: target.stopSignal,
    send: target.send,
  };
  let outcome: UpstreamOutcome = await openUpstream(upstreamRequest);
  if (!outcome.ok && outcome.failure.connectionReset && target.retryOnConnectionReset) {
    outcome = await openUpstream(upstreamRequest);
  }
  if (!outcome.ok) return outcome;
  const opened = outcome.call;
  let text: string;
  try {
    // Embeddings bodies are large but bounded: the default cap on whole answers applies.
    text = await opened.text(DEFAULT_LIMITS.upstreamBodyBytes);
  } catch (error) {
    opened.abort();
    if (signal.aborted) throw new ClientAbortedError();
    if (error instanceof GatewayStoppingError) throw error;
    return { ok: false, failure: streamFailure(error) };
  }
  const status = opened.response.status;
  if (status < 200 || status > 299) {
    const { message } = providerErrorDetails(CODECS[provider.api], provider, status, text);
    const retryAfter = retryAfterFromHeaders(opened.response.headers, Date.now());
    return { ok: false, failure: failureForStatus(status, message, retryAfter) };
  }
  try {
    return { ok: true, ...target.codec.decodeResponse(JSON.parse(text), count) };
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : "";
    return { ok: false, failure: badResponseFailure(`upstream embeddings answer${detail}`) };
  }
}
