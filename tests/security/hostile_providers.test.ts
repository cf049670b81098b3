/**
 * Hostile or broken providers, hand-written on raw sockets: endless lines, huge frames and
 * bodies, error bodies that never end, redirects, whole JSON for a stream. Limits are tiny here;
 * the behaviour is the same at the defaults.
 */
import assert from "node:assert/strict";
import type { Config } from "../../src/config/types.ts";
import { viaFetch } from "../../src/upstream/transport.ts";
import { TEST_KEY, testConfig, type TestProvider } from "../support/config.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import {
  type Answer,
  answerText,
  type HostileUpstream,
  pause,
  SSE_HEAD,
  startHostileUpstream,
  write,
} from "./hostile_upstream.ts";

const CHUNK = (text: string) =>
  `data: ${
    JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      model: "m",
      choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
    })
  }\n\n`;

const GOOD_STREAM: Answer = async (conn) => {
  await write(conn, SSE_HEAD + CHUNK("from the good target") + "data: [DONE]\n\n");
  conn.close();
};

async function withProviders(
  answers: Answer[],
  run: (gateway: TestGateway, upstreams: HostileUpstream[]) => Promise<void>,
  tune: (config: Config) => void = () => {},
  provider: Partial<TestProvider> = {},
): Promise<void> {
  const upstreams = answers.map(startHostileUpstream);
  const providers: Record<string, TestProvider> = {};
  upstreams.forEach((upstream, i) => {
    providers[`p${i}`] = { api: "chat", baseUrl: `${upstream.url}/v1`, models: ["m"], ...provider };
  });
  const config = testConfig(providers, {
    smart: { targets: upstreams.map((_, i) => ({ provider: `p${i}`, model: "m" })) },
  });
  tune(config);
  const gateway = await startGateway(config);
  try {
    await run(gateway, upstreams);
  } finally {
    await gateway.close();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  }
}

function chat(gateway: TestGateway, stream: boolean): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "smart", stream, messages: [{ role: "user", content: "hi" }] }),
    signal: AbortSignal.timeout(8000),
  });
}

Deno.test("an endless line trickled byte by byte is cut at idle_ms: idle counts frames", async () => {
  let trickling = true;
  await withProviders(
    [async (conn) => {
      await write(conn, SSE_HEAD + CHUNK("start") + "data: ");
      while (trickling) {
        await pause(40);
        await write(conn, "a");
      }
    }],
    async (gateway) => {
      const response = await chat(gateway, true);
      const text = await response.text();
      trickling = false;
      assert.match(text, /idle timeout after 300 ms/);
    },
    () => {},
    { timeouts: { firstByteMs: 5000, idleMs: 300 } },
  );
  trickling = false;
});

Deno.test("one server-sent event over upstream_frame_bytes ends the stream with a clear error", async () => {
  await withProviders([async (conn) => {
    await write(conn, SSE_HEAD + CHUNK("start"));
    for (let i = 0; i < 10; i++) await write(conn, "data: " + "A".repeat(1000));
    await write(conn, "\n\n");
    conn.close();
  }], async (gateway) => {
    const text = await (await chat(gateway, true)).text();
    assert.match(text, /larger than the limit of 4096 bytes \(limits\.upstream_frame_bytes\)/);
    assert.ok(!text.includes("A".repeat(4096)), "the oversized frame was not forwarded");
  }, (config) => (config.limits.upstreamFrameBytes = 4096));
});

Deno.test("a whole answer over upstream_body_bytes is the provider's failure: next target", async () => {
  const big = JSON.stringify({ padding: "x".repeat(10_000) });
  await withProviders([
    async (conn) => await write(conn, answerText(200, "application/json", big)),
    async (conn) =>
      await write(
        conn,
        answerText(
          200,
          "application/json",
          JSON.stringify({
            id: "c",
            object: "chat.completion",
            model: "m",
            choices: [{
              index: 0,
              message: { role: "assistant", content: "small" },
              finish_reason: "stop",
            }],
          }),
        ),
      ),
  ], async (gateway) => {
    const response = await chat(gateway, false);
    const body = await response.json();
    assert.equal(response.status, 200);
    assert.equal(body.choices[0].message.content, "small");
    const [record] = await gateway.waitForRecords(1);
    assert.match(record.attempts[0].reason ?? "", /limits\.upstream_body_bytes/);
  }, (config) => (config.limits.upstreamBodyBytes = 4096));
});

Deno.test("an error body is read only as far as its message needs, even if it never ends", async () => {
  await withProviders([async (conn) => {
    await write(
      conn,
      "HTTP/1.1 500 X\r\ncontent-type: application/json\r\ncontent-length: 100000000\r\n\r\n" +
        `{"error":{"message":"${"x".repeat(5000)}`,
    );
    await pause(20_000);
  }], async (gateway) => {
    const response = await chat(gateway, false);
    await response.body?.cancel();
    assert.equal(response.status, 500);
  }, (config) => (config.limits.upstreamErrorBytes = 1000));
});

Deno.test("a whole JSON body for a streamed request is a failure: the next target streams", async () => {
  await withProviders([
    async (conn) => await write(conn, answerText(200, "application/json", '{"id":"x"}')),
    GOOD_STREAM,
  ], async (gateway) => {
    const response = await chat(gateway, true);
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.match(text, /from the good target/);
    const [record] = await gateway.waitForRecords(1);
    assert.match(record.attempts[0].reason ?? "", /whole JSON body/);
  });
});

Deno.test("a provider's redirect is its failure (502 in the client's dialect), never followed", async () => {
  const elsewhere = startHostileUpstream(GOOD_STREAM);
  try {
    await withProviders([async (conn) => {
      await write(conn, answerText(307, "text/plain", "", `location: ${elsewhere.url}/v1/x\r\n`));
    }], async (gateway) => {
      for (const stream of [false, true]) {
        const response = await chat(gateway, stream);
        const body = await response.json();
        assert.equal(response.status, 502);
        assert.match(body.error.message, /redirect \(307\)/);
      }
      assert.equal(elsewhere.requests.length, 0);
    });
  } finally {
    await elsewhere.close();
  }
});

Deno.test("the fetch transport does not follow redirects", async () => {
  const elsewhere = startHostileUpstream(async (conn) => {
    await write(conn, answerText(200, "application/json", "{}"));
  });
  const redirecting = startHostileUpstream(async (conn) => {
    await write(conn, answerText(307, "text/plain", "", `location: ${elsewhere.url}/v1/x\r\n`));
  });
  try {
    const response = await viaFetch(`${redirecting.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-api-key": "secret-provider-key" },
      body: "{}",
      signal: AbortSignal.timeout(5000),
    });
    response.cancel();
    assert.equal(response.status, 307);
    assert.equal(elsewhere.requests.length, 0, "the key was not sent to the other address");
  } finally {
    await redirecting.close();
    await elsewhere.close();
  }
});
