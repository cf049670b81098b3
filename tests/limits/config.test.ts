/** `keys:` with scopes and limits, alias `limits:` and `state:` in plexus.yaml. */
import assert from "node:assert/strict";
import { parseConfigText } from "../../src/config/load.ts";
import { periodWindow } from "../../src/limits/periods.ts";

const TEXT = `
keys:
  - name: alice
    secret: \${ALICE_KEY}
    models: [smart, "claude-*"]
    limits:
      requests_per_minute: 60
      tokens_per_minute: 200000
      max_concurrent: 8
      budget: { usd: 25, period: month }
  - name: bob
    secret: bob-secret
providers:
  openai:
    api: chat
    base_url: https://api.openai.com/v1
    models:
      gpt-4o: {}
models:
  smart:
    limits: { requests_per_minute: 100 }
    targets:
      - { provider: openai, model: gpt-4o }
state: { store: redis, url: "redis://127.0.0.1:6379/0" }
`;

Deno.test("keys carry scopes and limits, aliases limits, and state chooses the store", () => {
  const result = parseConfigText(TEXT, "/tmp/plexus.yaml", { ALICE_KEY: "sk-alice" });
  if (!result.ok) assert.fail(JSON.stringify(result.problems));
  const [alice, bob] = result.config.keys;
  assert.deepEqual(alice, {
    name: "alice",
    secret: "sk-alice",
    models: ["smart", "claude-*"],
    limits: {
      requestsPerMinute: 60,
      tokensPerMinute: 200000,
      maxConcurrent: 8,
      budget: { usd: 25, period: "month" },
    },
  });
  assert.deepEqual(bob, { name: "bob", secret: "bob-secret" });
  assert.deepEqual(result.config.models.smart.limits, { requestsPerMinute: 100 });
  assert.deepEqual(result.config.state, {
    store: "redis",
    url: "redis://127.0.0.1:6379/0",
    prefix: "plexus:",
    timeoutMs: 250,
  });
});

Deno.test("a budget period outside day, week, month, total is a config error at its path", () => {
  const text = TEXT.replace("period: month", "period: year");
  const result = parseConfigText(text, "/tmp/plexus.yaml", { ALICE_KEY: "sk-alice" });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.ok(
    result.problems.some((p) => p.path === "keys[0].limits.budget.period"),
    JSON.stringify(result.problems),
  );
});

Deno.test("state defaults to the file store", () => {
  const text = TEXT.replace(/^state:.*$/m, "");
  const result = parseConfigText(text, "/tmp/plexus.yaml", { ALICE_KEY: "x" });
  if (!result.ok) assert.fail(JSON.stringify(result.problems));
  assert.deepEqual(result.config.state, { store: "file" });
});

Deno.test("budget periods are UTC calendar periods; weeks start on Monday", () => {
  const now = Date.UTC(2026, 11, 4, 17, 30); // Friday 4 December 2026
  assert.deepEqual(periodWindow("day", now), {
    start: Date.UTC(2026, 11, 4),
    end: Date.UTC(2026, 11, 5),
  });
  assert.deepEqual(periodWindow("week", now), {
    start: Date.UTC(2026, 10, 30),
    end: Date.UTC(2026, 11, 7),
  });
  assert.deepEqual(periodWindow("month", now), {
    start: Date.UTC(2026, 11, 1),
    end: Date.UTC(2027, 0, 1),
  });
  assert.deepEqual(periodWindow("total", now), { start: 0 });
});

Deno.test("a budget over an unpriced target, and a client key with the admin key, are warned about", () => {
  const text = TEXT + "admin_key: sk-alice\n";
  const result = parseConfigText(text, "/tmp/plexus.yaml", { ALICE_KEY: "sk-alice" });
  if (!result.ok) assert.fail(JSON.stringify(result.problems));
  const warnings = result.config.warnings.join("\n");
  assert.match(warnings, /key alice has a budget, but openai\/gpt-4o has no input\/output price/);
  assert.match(warnings, /client key alice has the admin key as its secret/);
});
