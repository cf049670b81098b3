/**
 * Client mistakes and upstream failures reach each client as an error in its own dialect, with
 * the right status, never a stack trace or a hang; and each leaves exactly one usage record.
 */
import assert from "node:assert/strict";
import { INBOUND_API_NAMES, type InboundApiName } from "../../src/codecs/registry.ts";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream, unusedPort } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";

const PATH: Record<InboundApiName, string> = {
  chat: "/v1/chat/completions",
  messages: "/v1/messages",
  responses: "/v1/responses",
  gemini: "/v1beta/models/MODEL:generateContent",
};

function validBody(api: InboundApiName, model: string): Record<string, unknown> {
  switch (api) {
    case "chat":
      return { model, messages: [{ role: "user", content: "hi" }] };
    case "messages":
      return { model, max_tokens: 16, messages: [{ role: "user", content: "hi" }] };
    case "responses":
      return { model, input: "hi" };
    case "gemini":
      return { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
  }
}

function post(
  base: string,
  api: InboundApiName,
  model: string,
  body: string,
  headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}` },
): Promise<Response> {
  return fetch(base + PATH[api].replace("MODEL", encodeURIComponent(model)), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

/** Checks the body is this dialect's error shape and returns its message and type. */
function assertDialect(
  api: InboundApiName,
  body: Record<string, unknown>,
): { message: string; type: string } {
  if (api === "messages") {
    assert.equal(body.type, "error");
    const error = body.error as Record<string, unknown>;
    assert.equal(typeof error.type, "string");
    assert.equal(typeof error.message, "string");
    return { message: error.message as string, type: error.type as string };
  }
  const error = body.error as Record<string, unknown>;
  assert.equal(typeof error.message, "string");
  if (api === "gemini") {
    assert.equal(typeof error.code, "number");
    assert.equal(typeof error.status, "string");
    return { message: error.message as string, type: error.status as string };
  }
  assert.equal(typeof error.type, "string");
  assert.ok("param" in error && "code" in error, "OpenAI errors carry param and code");
  return { message: error.message as string, type: error.type as string };
}

Deno.test("client errors answer in the caller's dialect with the right status", async (t) => {
  const fake = await startFakeUpstream();
  const refused = `http://127.0.0.1:${unusedPort()}`;
  const config = testConfig(
    {
      up: { api: "chat", baseUrl: fake.url + "/v1", models: ["m"] },
      gone: { api: "chat", baseUrl: refused + "/v1", models: ["m"] },
    },
    {},
    {},
  );
  config.server.maxBodyBytes = 4096;
  const gateway = await startGateway(config);
  try {
    for (const api of INBOUND_API_NAMES) {
      await t.step(`${api}: missing key → 401`, async () => {
        const res = await post(
          gateway.url,
          api,
          "up/m",
          JSON.stringify(validBody(api, "up/m")),
          {},
        );
        assert.equal(res.status, 401);
        const { type } = assertDialect(api, await res.json());
        assert.match(type, /authentication|UNAUTHENTICATED/);
      });
      await t.step(`${api}: wrong key → 401`, async () => {
        const res = await post(gateway.url, api, "up/m", JSON.stringify(validBody(api, "up/m")), {
          "x-api-key": "wrong",
        });
        assert.equal(res.status, 401);
        assertDialect(api, await res.json());
      });
      await t.step(`${api}: malformed JSON → 400`, async () => {
        const res = await post(gateway.url, api, "up/m", "{not json");
        assert.equal(res.status, 400);
        const { message } = assertDialect(api, await res.json());
        assert.match(message, /JSON/);
      });
      await t.step(`${api}: unknown model → 404 naming it`, async () => {
        const res = await post(
          gateway.url,
          api,
          "nope-model",
          JSON.stringify(validBody(api, "nope-model")),
        );
        assert.equal(res.status, 404);
        const { message } = assertDialect(api, await res.json());
        assert.match(message, /nope-model/);
      });
      await t.step(`${api}: body over the limit → 413`, async () => {
        const body = validBody(api, "up/m");
        body.padding = "x".repeat(8000);
        const res = await post(gateway.url, api, "up/m", JSON.stringify(body));
        assert.equal(res.status, 413);
        assertDialect(api, await res.json());
      });
      await t.step(`${api}: unreachable provider → 502`, async () => {
        const res = await post(
          gateway.url,
          api,
          "gone/m",
          JSON.stringify(validBody(api, "gone/m")),
        );
        assert.equal(res.status, 502);
        const { message } = assertDialect(api, await res.json());
        assert.ok(!message.includes("upstream-key"), "no upstream secret in the message");
      });
      await t.step(`${api}: upstream 429 → 429 with retry-after`, async () => {
        fake.enqueue({ kind: "error", status: 429, headers: { "retry-after": "7" } });
        const res = await post(gateway.url, api, "up/m", JSON.stringify(validBody(api, "up/m")));
        assert.equal(res.status, 429);
        assert.equal(res.headers.get("retry-after"), "7");
        assertDialect(api, await res.json());
      });
      await t.step(`${api}: upstream 400 is passed on, not retried`, async () => {
        fake.reset();
        fake.enqueue({
          kind: "error",
          status: 400,
          body: { error: { message: "bad temperature", type: "invalid_request_error" } },
        });
        const res = await post(gateway.url, api, "up/m", JSON.stringify(validBody(api, "up/m")));
        assert.equal(res.status, 400);
        const { message } = assertDialect(api, await res.json());
        assert.match(message, /bad temperature/);
        assert.equal(fake.requests.length, 1);
      });
    }
    await t.step("every request above left exactly one usage record", async () => {
      const records = await gateway.waitForRecords(INBOUND_API_NAMES.length * 8);
      assert.equal(records.length, INBOUND_API_NAMES.length * 8);
      assert.ok(records.every((r) => r.status >= 400));
      assert.ok(records.every((r) => r.requestId.length > 0));
    });
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("unknown paths are 404 and wrong methods 405 with Allow", async () => {
  const gateway = await startGateway(testConfig({}));
  try {
    const missing = await fetch(gateway.url + "/v2/nothing");
    assert.equal(missing.status, 404);
    assert.equal(typeof (await missing.json()).error.message, "string");
    const wrong = await fetch(gateway.url + "/v1/chat/completions");
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST");
    await wrong.body?.cancel();
    const health = await fetch(gateway.url + "/health");
    assert.equal(health.status, 200);
    const body = await health.json();
    assert.equal(body.status, "ok");
    assert.equal(typeof body.version, "string");
    assert.equal(typeof body.uptime_s, "number");
    assert.ok(health.headers.get("x-request-id"));
  } finally {
    await gateway.close();
  }
});
