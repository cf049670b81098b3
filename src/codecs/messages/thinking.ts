/**
 * Reasoning effort ⇄ Anthropic `thinking.budget_tokens`, with the project-wide table
 * (Extended thinking, "budget_tokens"; the minimum budget is 1024).
 */
import type { ReasoningEffort } from "../unified.ts";

export const MIN_THINKING_BUDGET = 1024;

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
