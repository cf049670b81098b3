/**
 * Fallback within one request: which failures move on to the next target, which go straight to
 * the client, and what the client gets when every target failed.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { SelectorName } from "../../src/config/types.ts";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import { anthropicClient, openaiClient } from "../e2e/clients.ts";
import { startFakeUpstream, unusedPort } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { testConfig } from "../support/config.ts";
import { aliasConfig, byModel, chatProvider, models, postChat } from "./helpers.ts";

Deno.test("each selector falls back past failing targets to the one that answers, trying each once", async (t) => {
  const fake = await startFakeUpstream();
  try {
    for (const selector of ["in_order", "random", "weighted"] satisfies SelectorName[]) {
      await t.step(selector, async () => {
        const gateway = await startGateway(
          aliasConfig(fake.url, ["bad1", "good", "bad2"], { selector }),
          { health: ALWAYS_HEALTHY },
        );
        try {
          fake.reset();
          fake.setDefault(byModel({
            bad1: { kind: "error", status: 500 },
            bad2: { kind: "error", status: 503 },
          }));
          for (let i = 0; i < 6; i++) {
            const answer = await openaiClient(gateway.url).chat.completions.create({
              model: "a",
              messages: [{ role: "user", content: "hi" }],
            });
            assert.match(answer.choices[0].message.content ?? "", /Hello/);
          }
          const records = await gateway.waitForRecords(6);
          for (const record of records) {
            const tried = record.attempts.map((a) => a.model);
            assert.equal(tried.at(-1), "good", "the answering target is the last attempt");
            assert.equal(new Set(tried).size, tried.length, "no target is tried twice");
            if (selector === "in_order") assert.deepEqual(tried, ["bad1", "good"]);
          }
        } finally {
          await gateway.close();
        }
      });
    }
  } finally {
    await fake.close();
  }
});

Deno.test("every target-side status falls back; every client-error status goes to the client", async (t) => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(aliasConfig(fake.url, ["first", "second"]), {
    health: ALWAYS_HEALTHY,
  });
  try {
    for (const status of [401, 403, 408, 429, 500, 502, 503, 504, 529]) {
      await t.step(`${status} moves on to the next target`, async () => {
        fake.reset();
        fake.setDefault(byModel({ first: { kind: "error", status } }));
        const response = await postChat(gateway.url, "a");
        assert.equal(response.status, 200);
        await response.body?.cancel();
        assert.deepEqual(models(fake.requests), ["first", "second"]);
      });
    }
    for (const status of [400, 404, 413, 422]) {
      await t.step(
        `${status} reaches the client in its dialect, nothing else is tried`,
        async () => {
          fake.reset();
          fake.setDefault(byModel({ first: { kind: "error", status } }));
          const error = await anthropicClient(gateway.url).messages.create({
            model: "a",
            max_tokens: 10,
            messages: [{ role: "user", content: "hi" }],
          }).then(() => undefined, (e: unknown) => e);
          assert.ok(error instanceof Anthropic.APIError, `an Anthropic error, got ${error}`);
          assert.equal(error.status, status);
          assert.match(error.message, new RegExp(`fake upstream error ${status}`));
          assert.deepEqual(models(fake.requests), ["first"]);
        },
      );
    }
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("when every target fails the client gets one 503 listing each attempt, without the upstream key", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m1", "m2"]);
  const secret = config.providers.p.apiKey!;
  const gateway = await startGateway(config, { health: ALWAYS_HEALTHY });
  try {
    fake.setDefault(byModel({
      m1: {
        kind: "error",
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${secret}`, type: "auth" } },
      },
      m2: { kind: "error", status: 500 },
    }));
    const error = await openaiClient(gateway.url).chat.completions.create({
      model: "a",
      messages: [{ role: "user", content: "hi" }],
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 503);
    assert.match(error.message, /p\/m1: 401/);
    assert.match(error.message, /p\/m2: 500/);
    assert.ok(!error.message.includes(secret), `the key leaked: ${error.message}`);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("when every target is rate limited the client gets 429 with the shortest retry-after", async () => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(aliasConfig(fake.url, ["m1", "m2"]), {
    health: ALWAYS_HEALTHY,
  });
  try {
    fake.setDefault(byModel({
      m1: { kind: "error", status: 429, headers: { "retry-after": "20" } },
      m2: { kind: "error", status: 429, headers: { "retry-after-ms": "7000" } },
    }));
    const response = await postChat(gateway.url, "a");
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("retry-after"), "7");
    const body = await response.json();
    assert.match(body.error.message, /2 attempts/);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("max_attempts bounds how many targets one request tries", async () => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(
    aliasConfig(fake.url, ["m1", "m2", "m3"], { maxAttempts: 2 }),
    { health: ALWAYS_HEALTHY },
  );
  try {
    fake.setDefault({ kind: "error", status: 500 });
    const response = await postChat(gateway.url, "a");
    assert.equal(response.status, 503);
    await response.body?.cancel();
    assert.deepEqual(models(fake.requests), ["m1", "m2"]);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a refused connection falls back to the next provider", async () => {
  const fake = await startFakeUpstream();
  const config = testConfig(
    {
      dead: chatProvider(`http://127.0.0.1:${unusedPort()}`, ["m"]),
      live: chatProvider(fake.url, ["m"]),
    },
    { a: { targets: [{ provider: "dead", model: "m" }, { provider: "live", model: "m" }] } },
  );
  const gateway = await startGateway(config, { health: ALWAYS_HEALTHY });
  try {
    const response = await postChat(gateway.url, "a");
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const [record] = await gateway.waitForRecords(1);
    assert.deepEqual(record.attempts.map((a) => [a.provider, a.status]), [
      ["dead", 502],
      ["live", 200],
    ]);
    assert.equal(record.attempts[0].reason, "connection refused");
  } finally {
    await gateway.close();
    await fake.close();
  }
});

/**
 * A server that drops the first `resets` connections without a word and answers the rest with
 * a canned chat completion: what a stale pooled connection looks like to the gateway.
 */
function resettingServer(
  resets: number,
): { url: string; connections: () => number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let seen = 0;
  const body = JSON.stringify({
    id: "x",
    object: "chat.completion",
    created: 0,
    model: "m",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "after a reset" },
      finish_reason: "stop",
    }],
  });
  (async () => {
    for await (const conn of listener) {
      seen++;
      const n = seen;
      (async () => {
        await conn.read(new Uint8Array(64 * 1024)).catch(() => null);
        if (n > resets) {
          const head = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n` +
            `content-length: ${new TextEncoder().encode(body).length}\r\nconnection: close\r\n\r\n`;
          await conn.write(new TextEncoder().encode(head + body)).catch(() => 0);
        }
        conn.close();
      })();
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    connections: () => seen,
    close: () => listener.close(),
  };
}

Deno.test("a connection reset is retried once on the same target before falling back", async () => {
  const server = resettingServer(1);
  const config = testConfig({ p: chatProvider(server.url, ["m"]) });
  const gateway = await startGateway(config, { health: ALWAYS_HEALTHY });
  try {
    const response = await postChat(gateway.url, "p/m");
    assert.equal(response.status, 200);
    assert.equal((await response.json()).choices[0].message.content, "after a reset");
    assert.equal(server.connections(), 2);
    const [record] = await gateway.waitForRecords(1);
    assert.deepEqual(record.attempts.map((a) => a.reason ?? a.status), ["connection reset", 200]);
  } finally {
    await gateway.close();
    server.close();
  }
});

Deno.test("without retry_on_connection_reset a reset moves straight on", async () => {
  const server = resettingServer(1);
  const config = testConfig({ p: chatProvider(server.url, ["m"]) }, {}, {
    retryOnConnectionReset: false,
  });
  const gateway = await startGateway(config, { health: ALWAYS_HEALTHY });
  try {
    const response = await postChat(gateway.url, "p/m");
    assert.equal(response.status, 502);
    await response.body?.cancel();
    assert.equal(server.connections(), 1);
  } finally {
    await gateway.close();
    server.close();
  }
});
