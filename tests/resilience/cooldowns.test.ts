import assert from "node:assert/strict";
import { backoffMs, CooldownTracker } from "../../src/state/cooldowns.ts";
import { connectionFailure, failureForStatus, timeoutFailure } from "../../src/upstream/failure.ts";

const CONFIG = { baseMs: 1000, maxMs: 10_000 };
const T0 = 1_000_000;

function tracker(): CooldownTracker {
  return new CooldownTracker({ config: CONFIG, clock: () => T0 });
}

Deno.test("consecutive failures double the cooldown from the base up to the max", () => {
  const health = tracker();
  const waits: number[] = [];
  for (let n = 1; n <= 6; n++) {
    health.reportFailure("p", "m", failureForStatus(500, "boom", undefined), T0);
    waits.push(health.coolingUntil("p", "m", T0) - T0);
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 10_000, 10_000]);
  assert.equal(backoffMs(2000, CONFIG), 10_000, "huge failure counts stay at the max");
});

Deno.test("a retry-after from the upstream wins over the backoff", () => {
  const health = tracker();
  health.reportFailure("p", "m", failureForStatus(429, "slow down", 45_000), T0);
  assert.equal(health.coolingUntil("p", "m", T0), T0 + 45_000);
});

Deno.test("a cooldown ends by itself and then the target counts as healthy", () => {
  const health = tracker();
  health.reportFailure("p", "m", timeoutFailure("no headers"), T0);
  assert.equal(health.coolingUntil("p", "m", T0 + 999), T0 + 1000);
  assert.equal(health.coolingUntil("p", "m", T0 + 1000), 0);
});

Deno.test("a success forgets the failures, so the next failure starts again from the base", () => {
  const health = tracker();
  for (let n = 0; n < 3; n++) health.reportFailure("p", "m", timeoutFailure("t"), T0);
  health.reportSuccess("p", "m", T0);
  assert.equal(health.coolingUntil("p", "m", T0), 0);
  health.reportFailure("p", "m", timeoutFailure("t"), T0);
  assert.equal(health.coolingUntil("p", "m", T0), T0 + 1000);
});

Deno.test("client errors (400, 404, 413, 422) never cool a target", () => {
  const health = tracker();
  for (const status of [400, 404, 413, 422]) {
    health.reportFailure("p", "m", failureForStatus(status, "bad request", undefined), T0);
  }
  assert.equal(health.coolingUntil("p", "m", T0), 0);
  assert.deepEqual(health.snapshot(), { providers: {}, targets: {} });
});

Deno.test("a refused connection or a rejected key cools every model of the provider", () => {
  for (
    const failure of [
      connectionFailure("connection refused"),
      failureForStatus(401, "key", undefined),
    ]
  ) {
    const health = tracker();
    health.reportFailure("p", "m1", failure, T0);
    assert.ok(health.coolingUntil("p", "m2", T0) > T0, `${failure.message}: sibling model cools`);
    assert.equal(health.coolingUntil("q", "m1", T0), 0, "other providers are untouched");
  }
});

Deno.test("a reset connection or a 500 cools only the target that failed", () => {
  for (
    const failure of [
      connectionFailure("connection reset", true),
      failureForStatus(500, "x", undefined),
    ]
  ) {
    const health = tracker();
    health.reportFailure("p", "m1", failure, T0);
    assert.ok(health.coolingUntil("p", "m1", T0) > T0);
    assert.equal(health.coolingUntil("p", "m2", T0), 0);
  }
});

Deno.test("the snapshot says until when, why and how many failures, and every change is announced", () => {
  const health = tracker();
  let changes = 0;
  const unsubscribe = health.onChange(() => changes++);
  health.reportFailure("p", "m", failureForStatus(503, "overloaded", undefined), T0);
  health.reportFailure("p", "m", failureForStatus(503, "overloaded", undefined), T0);
  assert.deepEqual(health.snapshot().targets["p/m"], {
    until: T0 + 2000,
    reason: "503: overloaded",
    failures: 2,
  });
  health.reportSuccess("p", "m", T0);
  health.reportSuccess("p", "m", T0);
  assert.equal(changes, 3, "a success on a healthy target changes nothing");
  unsubscribe();
  health.reportFailure("p", "m", timeoutFailure("t"), T0);
  assert.equal(changes, 3);
});

Deno.test("restoring saved state drops the cooldowns that already ended", () => {
  const health = tracker();
  health.restore({
    providers: { gone: { until: T0 - 1, reason: "old", failures: 4 } },
    targets: {
      "p/live": { until: T0 + 5000, reason: "429: limit", failures: 1 },
      "p/over": { until: T0, reason: "500: x", failures: 2 },
    },
  });
  assert.deepEqual(Object.keys(health.snapshot().targets), ["p/live"]);
  assert.deepEqual(health.snapshot().providers, {});
  assert.equal(health.coolingUntil("p", "live", T0), T0 + 5000);
});
