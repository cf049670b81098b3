import assert from "node:assert/strict";
import { costOf } from "../../src/usage/cost.ts";

const usage = (u: Partial<Parameters<typeof costOf>[0]>) => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  ...u,
});

Deno.test("cache reads and writes are billed at their own prices and not again as input", () => {
  const cost = costOf(
    usage({ inputTokens: 1_000_000, cacheReadTokens: 600_000, cacheWriteTokens: 100_000 }),
    { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  );
  assert.equal(cost.input, 0.9, "300k uncached tokens at $3/M");
  assert.equal(cost.cacheRead, 0.18);
  assert.equal(cost.cacheWrite, 0.375);
  assert.equal(cost.total, 1.455);
});

Deno.test("reasoning tokens are billed at the output price unless priced separately", () => {
  const tokens = usage({ outputTokens: 2_000_000, reasoningTokens: 500_000 });
  const atOutput = costOf(tokens, { input: 1, output: 4 });
  assert.equal(atOutput.output, 6);
  assert.equal(atOutput.reasoning, 2);
  assert.equal(atOutput.total, 8);
  const separate = costOf(tokens, { input: 1, output: 4, reasoning: 10 });
  assert.equal(separate.reasoning, 5);
  assert.equal(separate.total, 11);
});

Deno.test("unpriced cache tokens fall back to the input price", () => {
  const cost = costOf(usage({ inputTokens: 2_000_000, cacheReadTokens: 1_000_000 }), {
    input: 2,
    output: 8,
  });
  assert.equal(cost.cacheRead, 2);
  assert.equal(cost.total, 4);
});

Deno.test("a model without pricing costs null, never 0", () => {
  assert.equal(costOf(usage({ inputTokens: 10, outputTokens: 5 }), undefined).total, null);
});

Deno.test("a price list missing the output price makes the total unknown when there is output", () => {
  const cost = costOf(usage({ inputTokens: 10, outputTokens: 5 }), { input: 1 });
  assert.equal(cost.output, null);
  assert.equal(cost.total, null);
  assert.equal(costOf(usage({ inputTokens: 10 }), { input: 1 }).total, 0.00001);
});

Deno.test("small costs add up without floating point noise", () => {
  const cost = costOf(usage({ inputTokens: 1, outputTokens: 2 }), { input: 0.1, output: 0.1 });
  assert.equal(cost.total, 0.0000003);
});
