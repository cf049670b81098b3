import assert from "node:assert/strict";
import { globMatches } from "../../src/routing/model_names.ts";
import { resolveModel } from "../../src/routing/resolve.ts";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import { testConfig } from "../support/config.ts";

Deno.test("glob patterns: * any run, ? one character, anchored at both ends", () => {
  assert.ok(globMatches("claude-*", "claude-sonnet-4-5-20250929"));
  assert.ok(globMatches("claude-*-4-5-*", "claude-sonnet-4-5-20250929"));
  assert.ok(globMatches("gpt-4?", "gpt-4o"));
  assert.ok(!globMatches("gpt-4?", "gpt-4o-mini"));
  assert.ok(!globMatches("claude-*", "my-claude-x"));
  assert.ok(globMatches("*", ""));
  const hostile = "a".repeat(256);
  assert.ok(!globMatches("*a*a*a*a*a*b", hostile), "no match, and no blow-up");
});

function config() {
  const provider = { api: "messages" as const, baseUrl: "http://127.0.0.1:1", models: ["opus"] };
  const built = testConfig({ p: provider, q: { ...provider, models: ["claude-haiku-x"] } }, {
    smart: { targets: [{ provider: "p", model: "opus" }] },
    fast: { targets: [{ provider: "q", model: "claude-haiku-x" }] },
  });
  built.models.smart.match = ["claude-sonnet-4-5-20250929", "claude-opus-*"];
  built.models.fast.match = ["claude-*haiku*", "claude-*"];
  return built;
}

function aliasOf(requested: string): string | undefined {
  return resolveModel(config(), requested, ALWAYS_HEALTHY, 0).alias;
}

Deno.test("extra names and patterns route to their alias; names and provider/model first", () => {
  assert.equal(aliasOf("claude-sonnet-4-5-20250929"), "smart");
  assert.equal(aliasOf("claude-opus-4-1"), "smart");
  assert.equal(aliasOf("claude-3-5-haiku-20241022"), "fast");
  assert.equal(aliasOf("claude-something-else"), "fast", "the first matching pattern in order");
  assert.equal(aliasOf("smart"), "smart");
  assert.equal(aliasOf("q/claude-haiku-x"), undefined, "a provider/model stays direct");
  assert.throws(() => aliasOf("gpt-4o"), /does not exist/);
  assert.throws(() => aliasOf("constructor"), /does not exist/);
});
