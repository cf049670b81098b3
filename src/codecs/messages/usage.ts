/**
 * Usage (Messages API "usage" object). Anthropic's `input_tokens` excludes cache reads and
 * writes; the unified `inputTokens` is the whole prompt.
 */
import type { Usage } from "../unified.ts";
import { uncachedInputTokens } from "../unified.ts";
import { isObject, type JsonObject, numberField } from "../json_guards.ts";

export interface WireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** Sent by newer models; written only when reasoning tokens are known. */
  output_tokens_details?: { thinking_tokens: number };
}

/** Read `thinking_tokens` from `output_tokens_details`, which newer models send. */
function thinkingTokens(usage: JsonObject): number {
  const details = usage.output_tokens_details;
  return isObject(details) ? (numberField(details, "thinking_tokens") ?? 0) : 0;
}

export function usageFromWire(value: unknown): Usage {
  const usage = isObject(value) ? value : {};
  const cacheRead = numberField(usage, "cache_read_input_tokens") ?? 0;
  const cacheWrite = numberField(usage, "cache_creation_input_tokens") ?? 0;
  return {
    inputTokens: (numberField(usage, "input_tokens") ?? 0) + cacheRead + cacheWrite,
    outputTokens: numberField(usage, "output_tokens") ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: thinkingTokens(usage),
  };
}

export function usageToWire(usage: Usage): WireUsage {
  const wire: WireUsage = {
    input_tokens: uncachedInputTokens(usage),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
  };
  if (usage.reasoningTokens > 0) {
    wire.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  }
  return wire;
}
