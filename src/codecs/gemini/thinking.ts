/**
 * Gemini `thinkingConfig` ⇄ unified reasoning (ai.google.dev/gemini-api/docs/thinking), with the
 * project-wide effort ⇄ budget table (minimal 1024, low 2048, medium 8192, high 24576).
 */
import type { ReasoningConfig, ReasoningEffort } from "../unified.ts";

const BUDGET_FOR_EFFORT: Record<ReasoningEffort, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
};

export function budgetForEffort(effort: ReasoningEffort): number {
  return BUDGET_FOR_EFFORT[effort];
}

export function effortForBudget(budget: number): ReasoningEffort {
  if (budget <= 1024) return "minimal";
  if (budget <= 4096) return "low";
  if (budget <= 16384) return "medium";
  return "high";
}

/** Gemini 3 `thinkingLevel` names, lower-cased. */
export function effortForThinkingLevel(level: string): ReasoningEffort | undefined {
  const lower = level.toLowerCase();
  if (lower === "minimal" || lower === "low" || lower === "medium" || lower === "high") {
    return lower;
  }
  return undefined;
}

/** Unified reasoning → `thinkingConfig`; `enabled: false` is a zero budget. */
export function thinkingConfigFor(reasoning: ReasoningConfig): Record<string, unknown> {
  if (!reasoning.enabled) return { thinkingBudget: 0 };
  const budget = reasoning.budgetTokens ??
    (reasoning.effort === undefined ? undefined : budgetForEffort(reasoning.effort));
  return budget === undefined
    ? { includeThoughts: true }
    : { thinkingBudget: budget, includeThoughts: true };
}
