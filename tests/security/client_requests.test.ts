/**
 * Hostile requests that are well-formed HTTP: prototype names as models, broken percent
 * encodings, keys in the wrong places, content types browsers send without a preflight, and
 * bodies that ask for unbounded work. Each gets a clear 4xx in the caller's dialect and leaves one
 * usage line; nothing reaches the provider.
 */
import assert from "node:assert/strict";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

const AUTH = { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" };

async function withGateway(
  run: (
    gateway: TestGateway,
    upstream: Awaited<ReturnType<typeof startFakeUpstream>>,
  ) => Promise<void>,
  configure: (config: ReturnType<typeof testConfig>) => void = () => {},
): Promise<void> {
  const upstream = await startFakeUpstream();
  const config = testConfig(
    { oa: { api: "chat", baseUrl: `${upstream.url}/v1`, models: ["m"] } },
    { smart: { targets: [{ provider: "oa", model: "m" }] } },
  );
  configure(config);
  const gateway = await startGateway(config);
  try {
    await run(gateway, upstream);
  } finally {
    await gateway.close();
    await upstream.close();
  }
}

function chat(model: string) {
  return JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] });
}

Deno.test("model names that are Object.prototype properties are unknown models, never routed", async () => {
  await withGateway(async (gateway, upstream) => {
    for (
      const model of [
        "constructor",
        "toString",
        "__proto__",
        "hasOwnProperty",
        "oa/constructor",
        "oa/__proto__",
        "oa/toString",
        "constructor/m",
        "__proto__/m",
      ]
    ) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: AUTH,
        body: chat(model),
      });
      const body = await response.json();
      assert.equal(response.status, 404, `${model}: ${JSON.stringify(body)}`);
      assert.equal(body.error.code, "model_not_found", model);
    }
    assert.equal(upstream.requests.length, 0, "nothing reached the provider");
  });
});

Deno.test("a malformed percent-encoding in a Gemini path is a 400 in Gemini's dialect", async () => {
  await withGateway(async (gateway) => {
    for (const model of ["%E0%A4%A", "%ED%A0%80", "%"]) {
      const response = await fetch(`${gateway.url}/v1beta/models/${model}:generateContent`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      const body = await response.json();
      assert.equal(response.status, 400, model);
      assert.equal(body.error.status, "INVALID_ARGUMENT", model);
      assert.match(body.error.message, /not valid UTF-8/);
    }
  });
});

Deno.test("?key= and x-goog-api-key authenticate the Gemini API only", async () => {
  await withGateway(async (gateway) => {
    const elsewhere = [
      fetch(`${gateway.url}/v1/chat/completions?key=${TEST_KEY}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chat("smart"),
      }),
      fetch(`${gateway.url}/v1/messages`, {
        method: "POST",
        headers: { "x-goog-api-key": TEST_KEY, "content-type": "application/json" },
        body: JSON.stringify({ model: "smart", max_tokens: 5, messages: [] }),
      }),
      fetch(`${gateway.url}/v1/models?key=${TEST_KEY}`),
    ];
    for (const response of await Promise.all(elsewhere)) {
      assert.equal(response.status, 401, response.url);
      await response.body?.cancel();
    }
    const gemini = await fetch(
      `${gateway.url}/v1beta/models/smart:generateContent?key=${TEST_KEY}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
      },
    );
    assert.equal(gemini.status, 200);
    await gemini.body?.cancel();
  });
});

Deno.test("/metrics does not take the admin key from the query string", async () => {
  await withGateway(async (gateway) => {
    const byQuery = await fetch(`${gateway.url}/metrics?key=test-admin-key`);
    assert.equal(byQuery.status, 401);
    await byQuery.body?.cancel();
    const byHeader = await fetch(`${gateway.url}/metrics`, {
      headers: { authorization: "Bearer test-admin-key" },
    });
    assert.equal(byHeader.status, 200);
    await byHeader.body?.cancel();
  });
});

Deno.test("generation endpoints refuse bodies that are not declared as JSON with a 415", async () => {
  await withGateway(async (gateway, upstream) => {
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
      const headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}` };
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: "POST",
        headers,
        body: new Blob([JSON.stringify({ model: "smart", max_tokens: 5, messages: [] })], {
          type: contentType ?? "",
        }),
      });
      const body = await response.json();
      assert.equal(response.status, 415, String(contentType));
      assert.equal(body.type, "error", "in the Anthropic dialect");
    }
    assert.equal(upstream.requests.length, 0);
    assert.equal(gateway.records.length, 3, "one usage line each");
  });
});

Deno.test("with --allow-no-auth only loopback Host names (and server.allowed_hosts) are served", async () => {
  await withGateway(async (gateway) => {
    const asHost = async (host: string) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: gateway.server.addr.port });
      try {
        await conn.write(
          new TextEncoder().encode(
            `GET /v1/models HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`,
          ),
        );
        const text = await new Response(conn.readable).text();
        return Number(text.slice(9, 12));
      } catch {
        return 0;
      }
    };
    assert.equal(await asHost("attacker.example"), 403);
    assert.equal(await asHost("attacker.example:4000"), 403);
    assert.equal(await asHost("127.0.0.1.nip.io"), 403);
    assert.equal(await asHost("localhost:4000"), 200);
    assert.equal(await asHost("127.0.0.1"), 200);
    assert.equal(await asHost("[::1]:4000"), 200);
    assert.equal(await asHost("plexus.internal:4000"), 200);
  }, (config) => {
    config.allowNoAuth = true;
    config.server.allowedHosts = ["plexus.internal"];
  });
});

Deno.test("a body nested deeper than the limit is a 400 with one usage line and no gauge left up", async () => {
  await withGateway(async (gateway, upstream) => {
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const requests = [
      `{"model":"smart","messages":[{"role":"user","content":${deep}}]}`,
      JSON.stringify({
        model: "smart",
        messages: [{ role: "user", content: "hi" }],
        tools: [{
          type: "function",
          function: { name: "f", parameters: JSON.parse(`{"type":"object","x":${deep}}`) },
        }],
      }),
    ];
    for (const body of requests) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: AUTH,
        body,
      });
      const answer = await response.json();
      assert.equal(response.status, 400);
      assert.match(answer.error.message, /nested too deeply/);
    }
    assert.equal(upstream.requests.length, 0);
    assert.equal(gateway.records.length, 2);
    const metrics = await (await fetch(`${gateway.url}/metrics`, {
      headers: { authorization: "Bearer test-admin-key" },
    })).text();
    assert.match(metrics, /^plexus_in_flight_requests 0$/m);
  });
});

Deno.test("more messages or tools than the limits allow is a 413 before anything is sent", async () => {
  await withGateway(async (gateway, upstream) => {
    const messages = Array.from({ length: 11 }, () => ({ role: "user", content: "hi" }));
    const tools = Array.from({ length: 3 }, (_, i) => ({
      type: "function",
      function: { name: `f${i}`, parameters: { type: "object" } },
    }));
    for (
      const body of [
        { model: "smart", messages },
        { model: "smart", messages: messages.slice(0, 1), tools },
      ]
    ) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: AUTH,
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      assert.equal(response.status, 413, JSON.stringify(answer));
      assert.match(answer.error.message, /at most/);
    }
    assert.equal(upstream.requests.length, 0);
  }, (config) => {
    config.limits = { ...config.limits, maxMessages: 10, maxTools: 2 };
  });
});

Deno.test("a client that hangs up while uploading is recorded as 499", async () => {
  await withGateway(async (gateway) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: gateway.server.addr.port });
    await conn.write(new TextEncoder().encode(
      "POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n" +
        `authorization: Bearer ${TEST_KEY}\r\ncontent-length: 500000\r\n\r\n{"model":"smart",`,
    ));
    await new Promise((r) => setTimeout(r, 50));
    conn.close();
    const [record] = await gateway.waitForRecords(1);
    assert.equal(record.status, 499);
  });
});
