/**
 * What one request cost, from the provider's token counts and the config's price list (USD per
 * 1M tokens). A token category with tokens but no applicable price makes the total unknown
 * (`null`), never 0: a wrong zero looks like a free model.
 */
import { uncachedInputTokens, type Usage } from "../codecs/unified.ts";
import type { Pricing } from "../config/types.ts";

export interface CostBreakdown {
  /** Prompt tokens neither read from nor written to a cache. */
  input: number | null;
  /** Output tokens that are not reasoning. */
  output: number | null;
  reasoning: number | null;
  cacheRead: number | null;
  cacheWrite: number | null;
  total: number | null;
}

const PER_TOKEN = 1 / 1_000_000;

/** Rounds away float noise (0.1 + 0.2) while keeping far more precision than any bill. */
function usd(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}

/** Zero tokens cost nothing even unpriced; some tokens at an unknown price cost an unknown sum. */
function part(tokens: number, pricePerMillion: number | undefined): number | null {
  if (tokens === 0) return 0;
  if (pricePerMillion === undefined) return null;
  return usd(tokens * pricePerMillion * PER_TOKEN);
}

/**
 * Cache reads and writes fall back to the input price when not priced separately (what a
 * provider without prompt caching charges); reasoning falls back to the output price.
 */
export function costOf(usage: Usage, pricing: Pricing | undefined): CostBreakdown {
  if (pricing === undefined) {
    return {
      input: null,
      output: null,
      reasoning: null,
      cacheRead: null,
      cacheWrite: null,
      total: null,
    };
  }
  const reasoningTokens = Math.min(usage.reasoningTokens, usage.outputTokens);
  const parts = {
    input: part(uncachedInputTokens(usage), pricing.input),
    output: part(usage.outputTokens - reasoningTokens, pricing.output),
    reasoning: part(reasoningTokens, pricing.reasoning ?? pricing.output),
    cacheRead: part(usage.cacheReadTokens, pricing.cacheRead ?? pricing.input),
    cacheWrite: part(usage.cacheWriteTokens, pricing.cacheWrite ?? pricing.input),
  };
  const values = Object.values(parts);
  const total = values.some((value) => value === null)
    ? null
    : usd(values.reduce((sum: number, value) => sum + (value ?? 0), 0));
  return { ...parts, total };
}

/** The price list of a target, when the config has one. */
export function pricingOf(
  providers: Record<string, { models: Record<string, { pricing?: Pricing }> }>,
  provider: string | undefined,
  model: string | undefined,
): Pricing | undefined {
  if (provider === undefined || model === undefined) return undefined;
  return providers[provider]?.models[model]?.pricing;
}
