/**
 * Gemini `thinkingConfig` <-> unified reasoning (ai.google.dev/gemini-api/docs/thinking), with the
 * project-wide effort <-> budget table in `reasoning_budget.ts`.
 */
import { budgetForEffort } from "../reasoning_budget.ts";
import type { ReasoningConfig, ReasoningEffort } from "../unified.ts";

/** Gemini 3 `thinkingLevel` names, lower-cased. */
export function effortForThinkingLevel(level: string): ReasoningEffort | undefined {
  const lower = level.toLowerCase();
  if (lower === "minimal" || lower === "low" || lower === "medium" || lower === "high") {
    return lower;
  }
  return undefined;
}

/** Unified reasoning -> `thinkingConfig`; `enabled: false` is a zero budget. */
export function thinkingConfigFor(reasoning: ReasoningConfig): Record<string, unknown> {
  if (!reasoning.enabled) return { thinkingBudget: 0 };
  const budget = reasoning.budgetTokens ??
    (reasoning.effort === undefined ? undefined : budgetForEffort(reasoning.effort));
  return budget === undefined
    ? { includeThoughts: true }
    : { thinkingBudget: budget, includeThoughts: true };
}
