/** `GET /metrics`: valid Prometheus text, guarded by the admin key, agreeing with the usage log. */
import assert from "node:assert/strict";
import { startServer } from "../../src/http/server.ts";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { type Line, readUsageFiles } from "./log_support.ts";
import { parsePrometheus, sum } from "../support/prometheus_text.ts";

function numberField(lines: Line[], field: string): number {
  return lines.reduce(
    (total, l) => total + (typeof l[field] === "number" ? l[field] as number : 0),
    0,
  );
}

Deno.test("/metrics parses as Prometheus text and its counters match the usage log", async () => {
  const fake = await startFakeUpstream();
  const config = testConfig(
    {
      oa: {
        api: "chat",
        baseUrl: `${fake.url}/v1`,
        models: ["m1", "m2"],
        pricing: { m1: { input: 3, output: 12, cacheRead: 1 } },
      },
    },
    { both: { targets: [{ provider: "oa", model: "m2" }, { provider: "oa", model: "m1" }] } },
  );
  const server = await startServer(config, { health: ALWAYS_HEALTHY });
  const url = `http://127.0.0.1:${server.addr.port}`;
  let text = "";
  try {
    const ask = async (model: string) => {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
      });
      await response.body?.cancel();
    };
    fake.enqueue({
      kind: "scenario",
      scenario: { usage: { input: 40, output: 9, cacheRead: 10 } },
    });
    await ask("oa/m1");
    await ask("oa/m2");
    fake.enqueue({ kind: "error", status: 500 });
    await ask("both");
    fake.enqueue({ kind: "error", status: 400 });
    await ask("oa/m1");
    await ask("missing");

    const denied = await fetch(`${url}/metrics`);
    assert.equal(denied.status, 401);
    await denied.body?.cancel();
    const response = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${config.adminKey}` },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    text = await response.text();
  } finally {
    await server.shutdown();
    await fake.close();
  }
  const lines = await readUsageFiles(config.server.dataDir);
  assert.equal(lines.length, 5);
  const { samples, types } = parsePrometheus(text);
  assert.equal(types.get("plexus_requests_total"), "counter");
  assert.equal(types.get("plexus_request_duration_seconds"), "histogram");
  assert.equal(sum(samples, "plexus_requests_total"), lines.length);
  // Per key: every request here used the one configured key, so its series equal the totals.
  assert.equal(sum(samples, "plexus_key_requests_total", { key: "tester" }), lines.length);
  assert.equal(
    sum(samples, "plexus_key_tokens_total", { key: "tester", type: "input" }),
    numberField(lines, "input_tokens"),
  );
  assert.equal(
    sum(samples, "plexus_key_cost_usd_total", { key: "tester" }),
    numberField(lines, "cost_usd"),
  );
  for (const status of [200, 400, 404]) {
    assert.equal(
      sum(samples, "plexus_requests_total", { status: String(status) }),
      lines.filter((l) => l.status === status).length,
      `requests with status ${status}`,
    );
  }
  assert.equal(
    sum(samples, "plexus_tokens_total", { type: "input" }),
    numberField(lines, "input_tokens"),
  );
  assert.equal(
    sum(samples, "plexus_tokens_total", { type: "output" }),
    numberField(lines, "output_tokens"),
  );
  assert.equal(
    sum(samples, "plexus_tokens_total", { type: "cache_read" }),
    numberField(lines, "cache_read_tokens"),
  );
  assert.ok(
    Math.abs(sum(samples, "plexus_cost_usd_total") - numberField(lines, "cost_usd")) < 1e-12,
  );
  assert.equal(
    sum(samples, "plexus_unpriced_requests_total"),
    lines.filter((l) => l.usage_source === "provider" && l.cost_usd === null).length,
  );
  const failedAttempts = lines.flatMap((l) => l.attempts as Line[]).filter((a) => a.status !== 200);
  assert.equal(sum(samples, "plexus_upstream_errors_total"), failedAttempts.length);
  assert.equal(sum(samples, "plexus_upstream_errors_total", { kind: "api_error" }), 1);
  assert.equal(sum(samples, "plexus_request_duration_seconds_count"), lines.length);
  assert.equal(
    sum(samples, "plexus_request_duration_seconds_bucket", { le: "+Inf" }),
    lines.length,
  );
  assert.equal(sum(samples, "plexus_in_flight_requests"), 0);
  assert.equal(sum(samples, "plexus_target_cooling"), 0);
  assert.equal(
    samples.filter((s) => s.name === "plexus_target_cooling").length,
    2,
    "one per target",
  );
  assert.ok(
    samples.some((s) => s.name === "plexus_target_latency_seconds" && s.labels.model === "m1"),
  );
});

Deno.test("/metrics is open without a key only when metrics.public is set", async () => {
  const config = testConfig({}, {}, { metrics: { public: true }, adminKey: undefined });
  const server = await startServer(config, { health: ALWAYS_HEALTHY });
  try {
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/metrics`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /^# HELP plexus_requests_total /);
  } finally {
    await server.shutdown();
  }
});

Deno.test("streams in progress show in the in-flight gauge until they end", async () => {
  const fake = await startFakeUpstream();
  const config = testConfig({ an: { api: "messages", baseUrl: fake.url, models: ["c"] } });
  const server = await startServer(config, { health: ALWAYS_HEALTHY });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const scrape = async () => {
    const response = await fetch(`${url}/metrics`, {
      headers: { "x-api-key": config.adminKey ?? "" },
    });
    return sum(parsePrometheus(await response.text()).samples, "plexus_in_flight_requests");
  };
  try {
    fake.enqueue({ kind: "scenario", scenario: {}, delayMs: 40 });
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": TEST_KEY, "content-type": "application/json" },
      body: JSON.stringify({
        model: "an/c",
        max_tokens: 10,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    assert.equal(await scrape(), 1);
    await response.text();
    assert.equal(await scrape(), 0);
  } finally {
    await server.shutdown();
    await fake.close();
  }
});

Deno.test('an upstream failure is counted under its last attempt\'s target; only refusals have provider=""', async () => {
  const fake = await startFakeUpstream();
  const config = testConfig(
    { oa: { api: "chat", baseUrl: `${fake.url}/v1`, models: ["m1", "m2"] } },
    { both: { targets: [{ provider: "oa", model: "m1" }, { provider: "oa", model: "m2" }] } },
  );
  const server = await startServer(config, { health: ALWAYS_HEALTHY });
  const url = `http://127.0.0.1:${server.addr.port}`;
  try {
    fake.setDefault(() => ({ kind: "error", status: 503 }));
    for (const model of ["both", "missing"]) {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
      });
      await response.body?.cancel();
    }
    const response = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${config.adminKey}` },
    });
    const { samples } = parsePrometheus(await response.text());
    const requests = samples.filter((s) => s.name === "plexus_requests_total");
    const failed = requests.find((s) => s.labels.alias === "both");
    assert.deepEqual(
      { provider: failed?.labels.provider, model: failed?.labels.model },
      { provider: "oa", model: "m2" },
    );
    assert.ok(Number(failed?.labels.status) >= 500);
    const refused = requests.find((s) => s.labels.status === "404");
    assert.deepEqual({ provider: refused?.labels.provider, model: refused?.labels.model }, {
      provider: "",
      model: "",
    });
  } finally {
    await server.shutdown();
    await fake.close();
  }
});
