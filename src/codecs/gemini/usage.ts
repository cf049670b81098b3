/**
 * Gemini `UsageMetadata` <-> unified usage (ai.google.dev/api/generate-content#UsageMetadata).
 * Gemini's `candidatesTokenCount` excludes thoughts: total = prompt + candidates + thoughts.
 * `promptTokenCount` already includes `cachedContentTokenCount`.
 */
import type { Usage } from "../unified.ts";
import { isObject, numberField } from "../json_guards.ts";
import type { GeminiUsageMetadata } from "./wire.ts";

export function usageFromGemini(metadata: unknown): Partial<Usage> | undefined {
  if (!isObject(metadata)) return undefined;
  const prompt = numberField(metadata, "promptTokenCount") ?? 0;
  const candidates = numberField(metadata, "candidatesTokenCount") ?? 0;
  const thoughts = numberField(metadata, "thoughtsTokenCount") ?? 0;
  return {
    inputTokens: prompt,
    outputTokens: candidates + thoughts,
    reasoningTokens: thoughts,
    cacheReadTokens: numberField(metadata, "cachedContentTokenCount") ?? 0,
    cacheWriteTokens: 0,
  };
}

export function usageToGemini(usage: Usage): GeminiUsageMetadata {
  const metadata: GeminiUsageMetadata = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: Math.max(0, usage.outputTokens - usage.reasoningTokens),
    totalTokenCount: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cacheReadTokens > 0) metadata.cachedContentTokenCount = usage.cacheReadTokens;
  if (usage.reasoningTokens > 0) metadata.thoughtsTokenCount = usage.reasoningTokens;
  return metadata;
}
