import assert from "node:assert/strict";
import { GatewayError } from "../../src/codecs/unified.ts";
import { ALWAYS_HEALTHY, type TargetHealth } from "../../src/routing/health.ts";
import { resolveModel } from "../../src/routing/resolve.ts";
import { testConfig } from "../support/config.ts";

const config = testConfig(
  {
    a: { api: "chat", baseUrl: "http://a", models: ["m1", "m2"] },
    b: { api: "messages", baseUrl: "http://b", models: ["c1"] },
    off: { api: "chat", baseUrl: "http://off", models: ["x"], enabled: false },
  },
  {
    smart: { targets: [{ provider: "b", model: "c1" }, { provider: "a", model: "m1" }] },
    dead: { targets: [{ provider: "off", model: "x" }] },
    capped: {
      targets: [{ provider: "a", model: "m1" }, { provider: "a", model: "m2" }],
      maxAttempts: 1,
    },
  },
);

function cooling(map: Record<string, number>): TargetHealth {
  return { ...ALWAYS_HEALTHY, coolingUntil: (p, m) => map[`${p}/${m}`] ?? 0 };
}

Deno.test("an alias resolves to its targets in selector order", () => {
  const r = resolveModel(config, "smart", ALWAYS_HEALTHY, 1000);
  assert.equal(r.alias, "smart");
  assert.deepEqual(r.candidates, [{ provider: "b", model: "c1" }, { provider: "a", model: "m1" }]);
});

Deno.test("provider/model addresses a listed model directly", () => {
  assert.deepEqual(resolveModel(config, "a/m2", ALWAYS_HEALTHY, 0).candidates, [{
    provider: "a",
    model: "m2",
  }]);
});

Deno.test("an unknown model is a 404 naming it", () => {
  for (const name of ["nope", "a/unlisted", "ghost/m1"]) {
    assert.throws(() => resolveModel(config, name, ALWAYS_HEALTHY, 0), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.equal(e.status, 404);
      assert.match(e.message, new RegExp(name));
      return true;
    });
  }
});

Deno.test("an alias whose providers are all disabled is unavailable, not unknown", () => {
  assert.throws(() => resolveModel(config, "dead", ALWAYS_HEALTHY, 0), (e: unknown) => {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.status, 503);
    return true;
  });
});

Deno.test("cooling targets are skipped while another is healthy", () => {
  const r = resolveModel(config, "smart", cooling({ "b/c1": 5000 }), 1000);
  assert.deepEqual(r.candidates, [{ provider: "a", model: "m1" }]);
});

Deno.test("when every target cools, the one that recovers first is tried first", () => {
  const r = resolveModel(config, "smart", cooling({ "b/c1": 9000, "a/m1": 3000 }), 1000);
  assert.deepEqual(r.candidates[0], { provider: "a", model: "m1" });
});

Deno.test("max_attempts caps how many targets one request may try", () => {
  assert.equal(resolveModel(config, "capped", ALWAYS_HEALTHY, 0).candidates.length, 1);
});
