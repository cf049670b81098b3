/**
 * The usage log through a real server: what one line says for a success, an upstream error, a
 * fallback, a client that leaves mid-stream, a stream, and requests that never reach a target.
 */
import assert from "node:assert/strict";
import type { Config } from "../../src/config/types.ts";
import { type RunningServer, startServer } from "../../src/http/server.ts";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake_upstream.ts";
import { type Line, readUsageFiles } from "./log_support.ts";

const PRICING = { input: 2, output: 10, cacheRead: 0.5, cacheWrite: 2.5 };

function configFor(fake: FakeUpstream): Config {
  return testConfig(
    {
      oa: {
        api: "chat",
        baseUrl: `${fake.url}/v1`,
        models: ["m1", "m2"],
        pricing: { m1: PRICING },
      },
      an: { api: "messages", baseUrl: fake.url, models: ["claude"], pricing: { claude: PRICING } },
    },
    { fast: { targets: [{ provider: "oa", model: "m2" }, { provider: "oa", model: "m1" }] } },
  );
}

async function withServer(
  fn: (ctx: { url: string; fake: FakeUpstream; config: Config }) => Promise<void>,
): Promise<Line[]> {
  const fake = await startFakeUpstream();
  const config = configFor(fake);
  let server: RunningServer | undefined;
  try {
    server = await startServer(config, { health: ALWAYS_HEALTHY });
    await fn({ url: `http://127.0.0.1:${server.addr.port}`, fake, config });
  } finally {
    await server?.shutdown();
    await fake.close();
  }
  return await readUsageFiles(config.server.dataDir);
}

function chat(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${TEST_KEY}`,
      "content-type": "application/json",
      "user-agent": "usage-test/1.0",
      ...headers,
    },
    body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], ...body }),
  });
}

Deno.test("a successful request logs its key name, target, tokens without double-counted cache, and cost", async () => {
  let requestId = "";
  const lines = await withServer(async ({ url, fake }) => {
    fake.enqueue({
      kind: "scenario",
      scenario: { usage: { input: 100, output: 20, cacheRead: 30, reasoning: 5 } },
    });
    const response = await chat(url, { model: "oa/m1" }, { "x-request-id": "client-id-42" });
    await response.json();
    requestId = response.headers.get("x-request-id") ?? "";
  });
  assert.equal(requestId, "client-id-42");
  assert.equal(lines.length, 1);
  const line = lines[0];
  assert.equal(line.request_id, "client-id-42");
  assert.equal(line.key, "tester");
  assert.ok(!JSON.stringify(line).includes(TEST_KEY), "the secret never reaches the log");
  assert.equal(line.api_in, "chat");
  assert.equal(line.api_out, "chat");
  assert.equal(line.model_requested, "oa/m1");
  assert.equal(line.provider, "oa");
  assert.equal(line.model, "m1");
  assert.equal(line.status, 200);
  assert.equal(line.stream, false);
  assert.equal(line.error, null);
  assert.equal(line.usage_source, "provider");
  assert.equal(line.input_tokens, 70, "100 prompt tokens of which 30 came from the cache");
  assert.equal(line.cache_read_tokens, 30);
  assert.equal(line.cache_write_tokens, 0);
  assert.equal(line.output_tokens, 20);
  assert.equal(line.reasoning_tokens, 5);
  // 70×2 + 30×0.5 + 15×10 + 5×10 = 355 USD per million tokens.
  assert.equal(line.cost_usd, 0.000355);
  assert.equal(line.user_agent, "usage-test/1.0");
  assert.equal(line.client_ip, "127.0.0.1");
  assert.ok(typeof line.time === "string" && !Number.isNaN(Date.parse(line.time)));
  assert.ok(typeof line.duration_ms === "number" && line.duration_ms >= 0);
  const attempts = line.attempts as Line[];
  assert.equal(attempts.length, 1);
  assert.equal(attempts[0].status, 200);
});

Deno.test("a request id the client did not give (or gave malformed) is generated and logged", async () => {
  const ids: string[] = [];
  const lines = await withServer(async ({ url }) => {
    const headers: Record<string, string>[] = [{}, { "x-request-id": "bad id with spaces" }];
    for (const header of headers) {
      const response = await chat(url, { model: "oa/m1" }, header);
      await response.json();
      ids.push(response.headers.get("x-request-id") ?? "");
    }
  });
  assert.equal(lines.length, 2);
  assert.notEqual(ids[1], "bad id with spaces");
  assert.deepEqual(lines.map((l) => l.request_id), ids);
  assert.match(ids[0], /^[0-9a-f-]{36}$/);
});

Deno.test("an unpriced model logs cost_usd null, not 0, while still counting tokens", async () => {
  const lines = await withServer(async ({ url }) => {
    await (await chat(url, { model: "oa/m2" })).json();
  });
  assert.equal(lines[0].cost_usd, null);
  assert.equal(lines[0].output_tokens, 5);
});

Deno.test("an upstream error that may not fall back logs its status, error kind and the attempt", async () => {
  const lines = await withServer(async ({ url, fake }) => {
    fake.enqueue({ kind: "error", status: 400 });
    const response = await chat(url, { model: "oa/m1" });
    assert.equal(response.status, 400);
    await response.body?.cancel();
  });
  const line = lines[0];
  assert.equal(line.status, 400);
  assert.equal((line.error as Line).kind, "invalid_request");
  assert.equal(line.usage_source, "none");
  assert.equal(line.input_tokens, null);
  assert.equal(line.cost_usd, null);
  assert.deepEqual((line.attempts as Line[]).map((a) => a.status), [400]);
});

Deno.test("a fallback logs every attempt in order and the target that answered", async () => {
  const lines = await withServer(async ({ url, fake }) => {
    fake.enqueue({ kind: "error", status: 503 });
    const response = await chat(url, { model: "fast" });
    assert.equal(response.status, 200);
    await response.json();
  });
  const line = lines[0];
  assert.equal(line.alias, "fast");
  assert.equal(line.model_requested, "fast");
  assert.equal(line.model, "m1");
  assert.equal(line.status, 200);
  const attempts = line.attempts as Line[];
  assert.deepEqual(attempts.map((a) => [a.model, a.status]), [["m2", 503], ["m1", 200]]);
  assert.ok(typeof attempts[0].reason === "string");
});

Deno.test("all targets failing logs one line with the final error and each attempt", async () => {
  const lines = await withServer(async ({ url, fake }) => {
    fake.enqueue({ kind: "error", status: 503 }, { kind: "error", status: 429 });
    const response = await chat(url, { model: "fast" });
    assert.ok(response.status >= 400);
    await response.body?.cancel();
  });
  assert.equal(lines.length, 1);
  assert.ok((lines[0].status as number) >= 400);
  assert.notEqual(lines[0].error, null);
  assert.deepEqual((lines[0].attempts as Line[]).map((a) => a.status), [503, 429]);
});

Deno.test("a streamed answer logs its usage, time to first token and output speed", async () => {
  const lines = await withServer(async ({ url, fake }) => {
    fake.enqueue({
      kind: "scenario",
      scenario: { usage: { input: 50, output: 40, cacheWrite: 10 } },
      delayMs: 5,
    });
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": TEST_KEY, "content-type": "application/json" },
      body: JSON.stringify({
        model: "an/claude",
        max_tokens: 100,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    await response.text();
  });
  const line = lines[0];
  assert.equal(line.stream, true);
  assert.equal(line.status, 200);
  assert.equal(line.usage_source, "provider");
  assert.equal(line.input_tokens, 40);
  assert.equal(line.cache_write_tokens, 10);
  assert.equal(line.output_tokens, 40);
  // 40×2 + 10×2.5 + 40×10 = 505 USD per million tokens.
  assert.equal(line.cost_usd, 0.000505);
  assert.equal(line.cost_cache_write_usd, 0.000025);
  assert.ok(typeof line.ttft_ms === "number" && line.ttft_ms <= (line.duration_ms as number));
  assert.ok(typeof line.output_tokens_per_s === "number" && line.output_tokens_per_s > 0);
});

async function leaveMidStream(fake: FakeUpstream, request: Request): Promise<void> {
  fake.enqueue({ kind: "hang_mid_stream", afterFrames: 2 });
  const response = await fetch(request);
  const reader = response.body!.getReader();
  await reader.read();
  await reader.cancel();
  const deadline = Date.now() + 3000;
  while (fake.aborted === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("a client that leaves a stream before any usage is logged as 499 with no invented token counts", async () => {
  const lines = await withServer(async ({ url, fake }) => {
    await leaveMidStream(
      fake,
      new Request(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: "oa/m1",
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: "user", content: "hi" }],
        }),
      }),
    );
  });
  const line = lines[0];
  assert.equal(line.status, 499);
  assert.equal((line.error as Line).kind, "client_aborted");
  assert.equal(line.usage_source, "none");
  assert.equal(line.input_tokens, null);
  assert.equal(line.output_tokens, null);
  assert.equal(line.cost_usd, null);
});

Deno.test("a client that leaves after the provider sent input counts is logged with partial usage", async () => {
  const lines = await withServer(async ({ url, fake }) => {
    await leaveMidStream(
      fake,
      new Request(`${url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": TEST_KEY, "content-type": "application/json" },
        body: JSON.stringify({
          model: "an/claude",
          max_tokens: 100,
          stream: true,
          messages: [{ role: "user", content: "hi" }],
        }),
      }),
    );
  });
  const line = lines[0];
  assert.equal(line.status, 499);
  assert.equal(line.usage_source, "partial");
  assert.equal(line.input_tokens, 12, "message_start carried the prompt size");
});

Deno.test("requests refused before routing (bad key, unknown model) are logged too", async () => {
  const lines = await withServer(async ({ url }) => {
    const unauthorized = await chat(url, { model: "oa/m1" }, { authorization: "Bearer nope" });
    assert.equal(unauthorized.status, 401);
    await unauthorized.body?.cancel();
    const unknown = await chat(url, { model: "nowhere" });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
  });
  assert.deepEqual(lines.map((l) => [l.status, l.key]), [[401, null], [404, "tester"]]);
  assert.equal((lines[1].error as Line).kind, "not_found");
  assert.deepEqual(lines[1].attempts, []);
});
