/**
 * TokenUsage (API Reference, "TokenUsage"). Bedrock's `inputTokens` leaves out the tokens read
 * from or written to the prompt cache (`totalTokens` adds all four); the unified `inputTokens`
 * is the whole prompt.
 */
import type { Usage } from "../unified.ts";
import { isObject, numberField } from "../json_guards.ts";

export function usageFromWire(value: unknown): Usage {
  const usage = isObject(value) ? value : {};
  const cacheRead = numberField(usage, "cacheReadInputTokens") ?? 0;
  const cacheWrite = numberField(usage, "cacheWriteInputTokens") ?? 0;
  return {
    inputTokens: (numberField(usage, "inputTokens") ?? 0) + cacheRead + cacheWrite,
    outputTokens: numberField(usage, "outputTokens") ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: 0,
  };
}
