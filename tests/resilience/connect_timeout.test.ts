/**
 * `connect_ms` bounds setting up the connection (TCP and TLS) on its own: a provider whose
 * connect hangs or is refused is left at once for the next target and cooled as a whole.
 */
import assert from "node:assert/strict";
import { CooldownTracker } from "../../src/state/cooldowns.ts";
import { testConfig } from "../support/config.ts";
import { startFakeUpstream, unusedPort } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { OK, postChat } from "./helpers.ts";

/** Accepts TCP connections and never says a word: a TLS handshake to it never completes. */
function silentServer(): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) held.push(conn);
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close() {
      listener.close();
      for (const conn of held) conn.close();
    },
  };
}

function twoProviders(darkUrl: string, litUrl: string) {
  return testConfig(
    {
      dark: {
        api: "chat",
        baseUrl: darkUrl,
        models: ["m", "m2"],
        timeouts: { connectMs: 300, firstByteMs: 8000 },
      },
      lit: { api: "chat", baseUrl: `${litUrl}/v1`, models: ["m"] },
    },
    {
      a: {
        selector: "in_order",
        targets: [{ provider: "dark", model: "m" }, { provider: "lit", model: "m" }],
      },
      b: {
        selector: "in_order",
        targets: [{ provider: "dark", model: "m2" }, { provider: "lit", model: "m" }],
      },
    },
  );
}

Deno.test("a TLS connect that hangs fails after connect_ms (not first_byte_ms), falls back and cools the provider", async () => {
  const silent = silentServer();
  const fake = await startFakeUpstream();
  fake.setDefault(OK);
  const health = new CooldownTracker({ config: { baseMs: 60_000, maxMs: 600_000 } });
  const gateway = await startGateway(
    twoProviders(`https://127.0.0.1:${silent.port}/v1`, fake.url),
    {
      health,
    },
  );
  try {
    const started = Date.now();
    const response = await postChat(gateway.url, "a");
    const elapsed = Date.now() - started;
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.ok(elapsed < 4000, `fell back after ${elapsed} ms; first_byte_ms is 8000`);
    const [record] = await gateway.waitForRecords(1);
    assert.deepEqual(record.attempts.map((a) => [a.provider, a.status]), [["dark", 502], [
      "lit",
      200,
    ]]);
    assert.match(record.attempts[0].reason ?? "", /connect timed out after 300 ms/);
    // The whole provider cools: its other model is skipped without another connect.
    const now = Date.now();
    assert.ok(health.coolingUntil("dark", "m2", now) > now, "provider-wide cooldown");
    const second = await postChat(gateway.url, "b");
    assert.equal(second.status, 200);
    await second.body?.cancel();
    const [, next] = await gateway.waitForRecords(2);
    assert.deepEqual(next.attempts.map((a) => a.provider), ["lit"]);
  } finally {
    await gateway.close();
    await fake.close();
    silent.close();
  }
});

Deno.test("a refused connection falls back at once and cools the whole provider", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault(OK);
  const health = new CooldownTracker({ config: { baseMs: 60_000, maxMs: 600_000 } });
  const gateway = await startGateway(
    twoProviders(`http://127.0.0.1:${unusedPort()}/v1`, fake.url),
    {
      health,
    },
  );
  try {
    const response = await postChat(gateway.url, "a");
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const [record] = await gateway.waitForRecords(1);
    assert.match(record.attempts[0].reason ?? "", /connection refused/);
    const now = Date.now();
    assert.ok(health.coolingUntil("dark", "m2", now) > now, "provider-wide cooldown");
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a request whose every attempt failed is logged under its last attempt's provider, model and API", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault({ kind: "error", status: 503 });
  const config = testConfig(
    {
      first: { api: "chat", baseUrl: `${fake.url}/v1`, models: ["x"] },
      second: { api: "messages", baseUrl: fake.url, models: ["y"] },
    },
    {
      a: {
        selector: "in_order",
        targets: [{ provider: "first", model: "x" }, { provider: "second", model: "y" }],
      },
    },
  );
  const gateway = await startGateway(config);
  try {
    const response = await postChat(gateway.url, "a");
    assert.equal(response.status, 503);
    await response.body?.cancel();
    const [record] = await gateway.waitForRecords(1);
    assert.equal(record.attempts.length, 2);
    assert.equal(record.provider, "second");
    assert.equal(record.model, "y");
    assert.equal(record.apiOut, "messages");
  } finally {
    await gateway.close();
    await fake.close();
  }
});
