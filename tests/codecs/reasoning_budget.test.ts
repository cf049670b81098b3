import assert from "node:assert/strict";
import {
  budgetForEffort,
  effortForBudget,
  effortOf,
  reasoningForOpenAiEffort,
} from "../../src/codecs/reasoning_budget.ts";
import type { ReasoningEffort } from "../../src/codecs/unified.ts";

const EFFORTS: ReasoningEffort[] = ["minimal", "low", "medium", "high"];

Deno.test("every effort's budget maps back to the same effort, and budgets grow with effort", () => {
  for (const effort of EFFORTS) assert.equal(effortForBudget(budgetForEffort(effort)), effort);
  const budgets = EFFORTS.map(budgetForEffort);
  assert.deepEqual([...budgets].sort((a, b) => a - b), budgets);
  assert.equal(new Set(budgets).size, EFFORTS.length);
});

Deno.test("a budget maps to the nearest effort at the documented bounds", () => {
  const cases: Array<[number, ReasoningEffort]> = [
    [1, "minimal"],
    [1024, "minimal"],
    [1025, "low"],
    [4096, "low"],
    [4097, "medium"],
    [16384, "medium"],
    [16385, "high"],
  ];
  for (const [budget, effort] of cases) assert.equal(effortForBudget(budget), effort, `${budget}`);
});

Deno.test("a named effort wins over a budget; a bare budget gives its effort; neither gives none", () => {
  assert.equal(effortOf({ enabled: true, effort: "low", budgetTokens: 30000 }), "low");
  assert.equal(effortOf({ enabled: true, budgetTokens: 30000 }), "high");
  assert.equal(effortOf({ enabled: true }), undefined);
});

Deno.test("OpenAI effort names: none turns reasoning off, xhigh reads as high, others are unknown", () => {
  assert.deepEqual(reasoningForOpenAiEffort("none"), { enabled: false });
  assert.deepEqual(reasoningForOpenAiEffort("xhigh"), { enabled: true, effort: "high" });
  for (const effort of EFFORTS) {
    assert.deepEqual(reasoningForOpenAiEffort(effort), { enabled: true, effort });
  }
  for (const bad of ["max", "toString", 3, null]) {
    assert.equal(reasoningForOpenAiEffort(bad), undefined, String(bad));
  }
});
