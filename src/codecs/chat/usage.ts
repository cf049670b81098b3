/**
 * `usage` <-> unified usage.
 * Reference: platform.openai.com/docs/api-reference/chat/object (usage), plus the
 * OpenAI-compatible variants noted inline.
 */
import type { Usage } from "../unified.ts";
import { type JsonObject, numberField, objectField } from "../json_guards.ts";
import type { ChatUsage } from "./wire.ts";

/** Only the fields the upstream reported, so a stream can merge partial usage. */
export function decodeUsage(usage: JsonObject): Partial<Usage> {
  const result: Partial<Usage> = {};
  const prompt = numberField(usage, "prompt_tokens");
  const completion = numberField(usage, "completion_tokens");
  const total = numberField(usage, "total_tokens");
  const promptDetails = objectField(usage, "prompt_tokens_details") ?? {};
  const completionDetails = objectField(usage, "completion_tokens_details") ?? {};
  const reasoning = numberField(completionDetails, "reasoning_tokens");
  // DeepSeek reports cache hits as `prompt_cache_hit_tokens` (it also fills `cached_tokens`).
  const cacheRead = numberField(promptDetails, "cached_tokens") ??
    numberField(usage, "prompt_cache_hit_tokens");
  // Cache writes: OpenRouter-style `cache_write_tokens`, or Anthropic's name passed through.
  const cacheWrite = numberField(promptDetails, "cache_write_tokens") ??
    numberField(promptDetails, "cache_creation_input_tokens") ??
    numberField(usage, "cache_creation_input_tokens");

  if (prompt !== undefined) result.inputTokens = prompt;
  if (completion !== undefined) {
    // xAI leaves reasoning out of `completion_tokens` (its total is prompt + completion +
    // reasoning); the unified count includes reasoning, so add it back when the total says so.
    const reasoningOutside = reasoning !== undefined && reasoning > 0 &&
      prompt !== undefined && total !== undefined &&
      total === prompt + completion + reasoning && total !== prompt + completion;
    result.outputTokens = reasoningOutside ? completion + reasoning : completion;
  }
  if (cacheRead !== undefined) result.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) result.cacheWriteTokens = cacheWrite;
  if (reasoning !== undefined) result.reasoningTokens = reasoning;
  return result;
}

/**
 * Chat has no cache-write count; `cache_write_tokens` (OpenRouter's name) is added only when
 * non-zero so a chat client sees the exact OpenAI shape in the common case.
 */
export function encodeUsage(usage: Usage): ChatUsage {
  const promptDetails: ChatUsage["prompt_tokens_details"] = {
    cached_tokens: usage.cacheReadTokens,
  };
  if (usage.cacheWriteTokens > 0) promptDetails.cache_write_tokens = usage.cacheWriteTokens;
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}
