/**
 * The project-wide reasoning effort <-> thinking-budget table, shared by every codec whose wire
 * speaks one and not the other (Anthropic extended thinking `budget_tokens`, Gemini
 * `thinkingBudget`, OpenAI `reasoning_effort` / `reasoning.effort`).
 */
import type { ReasoningConfig, ReasoningEffort } from "./unified.ts";

const BUDGET_FOR_EFFORT: Record<ReasoningEffort, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
};

/** Effort -> budget: minimal 1024, low 2048, medium 8192, high 24576. */
export function budgetForEffort(effort: ReasoningEffort): number {
  return BUDGET_FOR_EFFORT[effort];
}

/** Budget -> the nearest effort: <=1024 minimal, <=4096 low, <=16384 medium, else high. */
export function effortForBudget(budget: number): ReasoningEffort {
  if (budget <= 1024) return "minimal";
  if (budget <= 4096) return "low";
  if (budget <= 16384) return "medium";
  return "high";
}

/**
 * OpenAI effort names (chat `reasoning_effort`, Responses `reasoning.effort`): `none` turns
 * reasoning off and `xhigh` reads as the highest level; undefined for any other value.
 */
export function reasoningForOpenAiEffort(value: unknown): ReasoningConfig | undefined {
  if (value === "none") return { enabled: false };
  if (value === "xhigh") return { enabled: true, effort: "high" };
  if (value === "minimal" || value === "low" || value === "medium" || value === "high") {
    return { enabled: true, effort: value };
  }
  return undefined;
}

/** The effort asked for, else the one its budget maps to; undefined when neither is given. */
export function effortOf(reasoning: ReasoningConfig): ReasoningEffort | undefined {
  if (reasoning.effort !== undefined) return reasoning.effort;
  return reasoning.budgetTokens === undefined ? undefined : effortForBudget(reasoning.budgetTokens);
}
