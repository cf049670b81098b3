/** `server.cors`: preflight and CORS headers for the listed origins only; off by default. */
import assert from "node:assert/strict";
import { OK } from "../resilience/helpers.ts";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";

const APP = "https://app.example.com";

async function gatewayWithCors(origins: string[] | undefined) {
  const fake = await startFakeUpstream();
  fake.setDefault(OK);
  const config = testConfig({ p: { api: "chat", baseUrl: `${fake.url}/v1`, models: ["m"] } });
  if (origins !== undefined) config.server.cors = { origins };
  const gateway = await startGateway(config);
  return {
    url: gateway.url,
    async close() {
      await gateway.close();
      await fake.close();
    },
  };
}

function preflight(base: string, origin: string): Promise<Response> {
  return fetch(`${base}/v1/chat/completions`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type, x-stainless-os",
    },
  });
}

function chat(base: string, origin: string, stream = false): Promise<Response> {
  return fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { origin, authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "p/m", stream, messages: [{ role: "user", content: "hi" }] }),
  });
}

Deno.test("a listed origin's preflight is answered and its answers (whole and streamed) carry CORS headers", async () => {
  const gateway = await gatewayWithCors([APP]);
  try {
    const pre = await preflight(gateway.url, APP);
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), APP);
    assert.match(pre.headers.get("access-control-allow-methods") ?? "", /POST/);
    assert.equal(
      pre.headers.get("access-control-allow-headers"),
      "authorization, content-type, x-stainless-os",
    );
    assert.match(pre.headers.get("vary") ?? "", /Origin/);
    await pre.body?.cancel();
    for (const stream of [false, true]) {
      const answer = await chat(gateway.url, APP, stream);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get("access-control-allow-origin"), APP);
      assert.match(answer.headers.get("access-control-expose-headers") ?? "", /x-request-id/);
      await answer.body?.cancel();
    }
    const refused = await fetch(`${gateway.url}/v1/models`, { headers: { origin: APP } });
    assert.equal(refused.status, 401);
    assert.equal(
      refused.headers.get("access-control-allow-origin"),
      APP,
      "errors are readable too",
    );
    await refused.body?.cancel();
  } finally {
    await gateway.close();
  }
});

Deno.test("an origin that is not listed gets no CORS header and its preflight is refused", async () => {
  const gateway = await gatewayWithCors([APP]);
  try {
    const pre = await preflight(gateway.url, "https://evil.example");
    assert.equal(pre.status, 403);
    assert.equal(pre.headers.get("access-control-allow-origin"), null);
    await pre.body?.cancel();
    const answer = await chat(gateway.url, "https://evil.example");
    assert.equal(answer.headers.get("access-control-allow-origin"), null);
    await answer.body?.cancel();
  } finally {
    await gateway.close();
  }
});

Deno.test("without server.cors no CORS header is ever sent", async () => {
  const gateway = await gatewayWithCors(undefined);
  try {
    const pre = await preflight(gateway.url, APP);
    assert.equal(pre.headers.get("access-control-allow-origin"), null);
    assert.equal(pre.status, 405);
    await pre.body?.cancel();
    const answer = await chat(gateway.url, APP);
    assert.equal(answer.headers.get("access-control-allow-origin"), null);
    await answer.body?.cancel();
  } finally {
    await gateway.close();
  }
});
