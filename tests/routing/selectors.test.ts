import assert from "node:assert/strict";
import type { AliasTarget } from "../../src/config/types.ts";
import { orderTargets } from "../../src/routing/selectors.ts";

const target = (provider: string, weight = 1): AliasTarget => ({
  provider,
  model: "m",
  weight,
  enabled: true,
});
const targets = [target("a", 1), target("b", 3), target("c", 6)];

/** A deterministic random source: a simple linear congruential generator. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
}

Deno.test("in_order keeps the configured order", () => {
  assert.deepEqual(orderTargets("in_order", targets).map((t) => t.provider), ["a", "b", "c"]);
});

Deno.test("weighted puts each target first in proportion to its weight", () => {
  const random = seeded(42);
  const firsts: Record<string, number> = { a: 0, b: 0, c: 0 };
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    firsts[orderTargets("weighted", targets, undefined, random)[0].provider]++;
  }
  assert.ok(Math.abs(firsts.a / n - 0.1) < 0.02, `a: ${firsts.a}`);
  assert.ok(Math.abs(firsts.b / n - 0.3) < 0.02, `b: ${firsts.b}`);
  assert.ok(Math.abs(firsts.c / n - 0.6) < 0.02, `c: ${firsts.c}`);
});

Deno.test("random is roughly uniform and always returns every target once", () => {
  const random = seeded(7);
  const firsts: Record<string, number> = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 9000; i++) {
    const order = orderTargets("random", targets, undefined, random);
    assert.deepEqual(order.map((t) => t.provider).sort(), ["a", "b", "c"]);
    firsts[order[0].provider]++;
  }
  for (const count of Object.values(firsts)) assert.ok(Math.abs(count - 3000) < 300, `${count}`);
});

Deno.test("lowest_latency orders measured targets first, fastest first", () => {
  const stats = {
    latencyMs: (p: string) => ({ a: 300, c: 100 } as Record<string, number>)[p],
    estimatedCost: () => undefined,
  };
  assert.deepEqual(orderTargets("lowest_latency", targets, stats).map((t) => t.provider), [
    "c",
    "a",
    "b",
  ]);
});
