import assert from "node:assert/strict";
import { orderTargets } from "../../src/routing/selectors.ts";
import type { RequestRecord } from "../../src/usage/record.ts";
import { RollingStats } from "../../src/usage/stats.ts";
import { testConfig } from "../support/config.ts";

function record(provider: string, model: string, over: Partial<RequestRecord>): RequestRecord {
  return {
    requestId: "r",
    startedAt: 0,
    apiIn: "chat",
    provider,
    model,
    stream: false,
    status: 200,
    attempts: [{ provider, model, status: 200, ms: 100 }],
    usageSource: "provider",
    usage: {
      inputTokens: 100,
      outputTokens: 50,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
    durationMs: 100,
    ...over,
  };
}

const config = testConfig({
  p: {
    api: "chat",
    baseUrl: "http://x",
    models: ["cheap", "dear", "free"],
    pricing: { cheap: { input: 1, output: 1 }, dear: { input: 10, output: 10 } },
  },
});
const target = (model: string) => ({ provider: "p", model, weight: 1, enabled: true });

Deno.test("lowest_latency puts the target that answered faster recently first", () => {
  const stats = new RollingStats(config);
  stats.record(
    record("p", "dear", { attempts: [{ provider: "p", model: "dear", status: 200, ms: 900 }] }),
  );
  stats.record(
    record("p", "cheap", { attempts: [{ provider: "p", model: "cheap", status: 200, ms: 200 }] }),
  );
  const order = orderTargets(
    "lowest_latency",
    [target("free"), target("dear"), target("cheap")],
    stats,
  );
  assert.deepEqual(order.map((t) => t.model), ["cheap", "dear", "free"], "unmeasured targets last");
});

Deno.test("latency is a rolling average: a target that slows down loses its place", () => {
  const stats = new RollingStats(config);
  const at = (model: string, ms: number) =>
    stats.record(record("p", model, { attempts: [{ provider: "p", model, status: 200, ms }] }));
  at("cheap", 100);
  at("dear", 300);
  for (let i = 0; i < 10; i++) at("cheap", 2000);
  assert.ok(stats.latencyMs("p", "cheap")! > stats.latencyMs("p", "dear")!);
});

Deno.test("streams are ranked by time to first token, not by how long they ran", () => {
  const stats = new RollingStats(config);
  stats.record(record("p", "cheap", {
    stream: true,
    ttftMs: 80,
    durationMs: 5000,
    attempts: [{ provider: "p", model: "cheap", status: 200, ms: 5000 }],
  }));
  assert.equal(stats.latencyMs("p", "cheap"), 80);
  const snapshot = stats.snapshot()[0];
  assert.equal(snapshot.ttftMs, 80);
  assert.ok(Math.abs(snapshot.tokensPerSecond! - 50 / 4.92) < 1e-9);
});

Deno.test("failed attempts raise the error rate; a client leaving does not", () => {
  const stats = new RollingStats(config);
  stats.record(record("p", "dear", {
    attempts: [
      { provider: "p", model: "cheap", status: 503, ms: 10 },
      { provider: "p", model: "dear", status: 200, ms: 100 },
    ],
  }));
  stats.record(record("p", "dear", {
    status: 499,
    attempts: [{ provider: "p", model: "dear", status: 499, ms: 10 }],
  }));
  const byModel = Object.fromEntries(stats.snapshot().map((s) => [s.model, s]));
  assert.equal(byModel.cheap.errorRate, 1);
  assert.equal(byModel.dear.errorRate, 0);
  assert.equal(byModel.dear.samples, 1);
});

Deno.test("lowest_cost ranks by price applied to the request's size; unpriced targets last", () => {
  const stats = new RollingStats(config);
  const order = orderTargets(
    "lowest_cost",
    [target("free"), target("dear"), target("cheap")],
    stats,
    Math.random,
    5000,
  );
  assert.deepEqual(order.map((t) => t.model), ["cheap", "dear", "free"]);
  // 5000 input tokens and the default 300 output tokens at $1/M each.
  assert.equal(stats.estimatedCost("p", "cheap", 5000), 0.0053);
  assert.equal(stats.estimatedCost("p", "free", 5000), undefined);
});
