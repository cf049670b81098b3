/**
 * The usage log's line format: one flat JSON object per request, every field always present
 * (`null` when unknown), so `jq` filters never trip over a missing key. Documented field by
 * field in docs/observability.md; renaming a field breaks people's scripts.
 */
import { uncachedInputTokens } from "../codecs/unified.ts";
import type { Config } from "../config/types.ts";
import { costOf, pricingOf } from "./cost.ts";
import { countedUsage, type RequestRecord } from "./record.ts";

export interface UsageLineAttempt {
  provider: string;
  model: string;
  status: number;
  ms: number;
  reason: string | null;
}

export interface UsageLine {
  request_id: string;
  time: string;
  key: string | null;
  api_in: string;
  /** `generation` (chat, messages, responses, Gemini generate) or `embedding`. */
  kind: "generation" | "embedding";
  model_requested: string | null;
  alias: string | null;
  provider: string | null;
  model: string | null;
  api_out: string | null;
  stream: boolean;
  status: number;
  error: { kind: string; message: string } | null;
  attempts: UsageLineAttempt[];
  /**
   * `provider`: counts from the provider; `partial`: the client left after the provider sent
   * some counts (Anthropic sends input tokens first), so output counts stop there; `estimated`:
   * the provider reports no counts for this call (Gemini embeddings), Plexus estimated the input;
   * `none`: no counts at all, and every token and cost field is null.
   */
  usage_source: "provider" | "partial" | "estimated" | "none";
  /** Prompt tokens outside any cache: `input + cache_read + cache_write` is the whole prompt. */
  input_tokens: number | null;
  /** Every generated token, reasoning included. */
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_write_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: number | null;
  cost_input_usd: number | null;
  cost_output_usd: number | null;
  cost_reasoning_usd: number | null;
  cost_cache_read_usd: number | null;
  cost_cache_write_usd: number | null;
  ttft_ms: number | null;
  duration_ms: number;
  upstream_ms: number | null;
  /** Time Plexus itself spent: total minus the time every attempt waited on an upstream. */
  overhead_ms: number;
  output_tokens_per_s: number | null;
  client_ip: string | null;
  user_agent: string | null;
  /** Hosted tools (`web_search`, ...) the target could not run, left out of the request. */
  dropped_tools: string[] | null;
  /** Refused by Plexus itself: `scope`, `requests`, `tokens`, `concurrency` or `budget`. */
  refused: string | null;
}

/** Ms spent in upstream calls, all attempts together. */
export function upstreamTotalMs(record: RequestRecord): number {
  return record.attempts.reduce((sum, attempt) => sum + attempt.ms, 0);
}

/**
 * Generation speed: output tokens over the time after the first token (streams), or over the
 * upstream's whole answer time (non-streamed, where the first token is not observable).
 */
export function outputTokensPerSecond(record: RequestRecord): number | null {
  const output = record.usage?.outputTokens;
  if (record.usageSource !== "provider" || output === undefined || output === 0) return null;
  const ms = record.ttftMs !== undefined
    ? record.durationMs - record.ttftMs
    : record.upstreamMs ?? record.durationMs;
  if (ms <= 0) return null;
  return Math.round((output / (ms / 1000)) * 100) / 100;
}

function usageSource(record: RequestRecord): UsageLine["usage_source"] {
  if (countedUsage(record) === undefined) return "none";
  if (record.usageSource === "estimated") return "estimated";
  return record.error?.kind === "client_aborted" ? "partial" : "provider";
}

export function usageLine(record: RequestRecord, config: Pick<Config, "providers">): UsageLine {
  const usage = countedUsage(record);
  const cost = usage === undefined
    ? undefined
    : costOf(usage, pricingOf(config.providers, record.provider, record.model));
  return {
    request_id: record.requestId,
    time: new Date(record.startedAt).toISOString(),
    key: record.key ?? null,
    api_in: record.apiIn,
    kind: record.kind ?? "generation",
    model_requested: record.modelRequested ?? null,
    alias: record.alias ?? null,
    provider: record.provider ?? null,
    model: record.model ?? null,
    api_out: record.apiOut ?? null,
    stream: record.stream,
    status: record.status,
    error: record.error === undefined
      ? null
      : { kind: record.error.kind, message: record.error.message },
    attempts: record.attempts.map((attempt) => ({
      provider: attempt.provider,
      model: attempt.model,
      status: attempt.status,
      ms: attempt.ms,
      reason: attempt.reason ?? null,
    })),
    usage_source: usageSource(record),
    input_tokens: usage === undefined ? null : uncachedInputTokens(usage),
    output_tokens: usage?.outputTokens ?? null,
    cache_read_tokens: usage?.cacheReadTokens ?? null,
    cache_write_tokens: usage?.cacheWriteTokens ?? null,
    reasoning_tokens: usage?.reasoningTokens ?? null,
    cost_usd: cost?.total ?? null,
    cost_input_usd: cost?.input ?? null,
    cost_output_usd: cost?.output ?? null,
    cost_reasoning_usd: cost?.reasoning ?? null,
    cost_cache_read_usd: cost?.cacheRead ?? null,
    cost_cache_write_usd: cost?.cacheWrite ?? null,
    ttft_ms: record.ttftMs ?? null,
    duration_ms: record.durationMs,
    upstream_ms: record.upstreamMs ?? null,
    overhead_ms: Math.max(0, record.durationMs - upstreamTotalMs(record)),
    output_tokens_per_s: outputTokensPerSecond(record),
    client_ip: record.clientIp ?? null,
    user_agent: record.userAgent ?? null,
    dropped_tools: record.droppedTools ?? null,
    refused: record.refused ?? null,
  };
}
