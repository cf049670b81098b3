/**
 * Token usage in Responses form (OpenAI API reference, "The response object" -> `usage`):
 * `input_tokens` includes `input_tokens_details.cached_tokens`; `output_tokens` includes
 * `output_tokens_details.reasoning_tokens`. That is already the unified meaning.
 */
import type { Usage } from "../unified.ts";
import { isObject, type JsonObject, numberField, objectField } from "../json_guards.ts";

export function usageFromWire(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const inputDetails = objectField(value, "input_tokens_details") ?? {};
  const outputDetails = objectField(value, "output_tokens_details") ?? {};
  return {
    inputTokens: numberField(value, "input_tokens") ?? 0,
    outputTokens: numberField(value, "output_tokens") ?? 0,
    cacheReadTokens: numberField(inputDetails, "cached_tokens") ?? 0,
    cacheWriteTokens: numberField(inputDetails, "cache_write_tokens") ?? 0,
    reasoningTokens: numberField(outputDetails, "reasoning_tokens") ?? 0,
  };
}

export function usageToWire(usage: Usage): JsonObject {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}
