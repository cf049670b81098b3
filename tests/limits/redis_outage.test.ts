/**
 * In one process against a real redis-server: Redis down at start does not stop Plexus from
 * serving (limits then hold locally), and once Redis is up the limits are shared again.
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/http/server.ts";
import { RedisConnection } from "../../src/state/redis_connection.ts";
import { RollingStats } from "../../src/usage/stats.ts";
import { SharedStats } from "../../src/usage/shared_stats.ts";
import { testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { REDIS_SKIP_REASON, startRedis } from "../support/redis_server.ts";

const ADMIN = { authorization: "Bearer test-admin-key" };

async function eventually(what: string, check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

Deno.test({
  name: "Redis down at start: Plexus serves with local limits, then shares them once Redis is up",
  ignore: REDIS_SKIP_REASON !== undefined,
  async fn() {
    const redis = await startRedis();
    await redis.kill();
    const fake = await startFakeUpstream();
    const config = testConfig(
      { up: { api: "chat", baseUrl: fake.url + "/v1", models: ["m"] } },
      { smart: { targets: [{ provider: "up", model: "m" }] } },
      { state: { store: "redis", url: redis.url, prefix: "o:", timeoutMs: 250 } },
    );
    config.keys[0].limits = { requestsPerMinute: 1000 };
    const server = await startServer(config);
    const base = `http://127.0.0.1:${server.addr.port}`;
    const chat = async () => {
      const response = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer test-client-key", "content-type": "application/json" },
        body: JSON.stringify({ model: "smart", messages: [{ role: "user", content: "hi" }] }),
      });
      await response.body?.cancel();
      return response.status;
    };
    try {
      assert.equal(await chat(), 200, "served while Redis is down");
      const down = await (await fetch(`${base}/health?detail=true`, { headers: ADMIN })).json();
      assert.equal(down.state.store, "redis");
      assert.equal(down.state.connected, false);
      const state = await (await fetch(`${base}/v0/state`, { headers: ADMIN })).json();
      assert.match(state.store.mode, /local/);
      await redis.restart();
      await eventually("the reconnect", async () => {
        const health = await (await fetch(`${base}/health?detail=true`, { headers: ADMIN })).json();
        return health.state.connected === true;
      });
      assert.equal(await chat(), 200);
      const counted = await redis.cli("ZCARD", "o:limits:key:tester:req");
      assert.equal(counted, "1", "the request after the reconnect counted in Redis");

      // A Redis that hangs (connection open, no answers) costs a request timeout_ms at most.
      redis.pause();
      const started = Date.now();
      const statuses = await Promise.all([chat(), chat(), chat()]);
      assert.deepEqual(statuses, [200, 200, 200]);
      assert.ok(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`);
      redis.resume();
      await eventually("Redis to be used again", async () => {
        await chat();
        return Number(await redis.cli("ZCARD", "o:limits:key:tester:req")) > 1;
      });
    } finally {
      await server.shutdown();
      await fake.close();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "latency measured by one instance ranks targets on another (shared statistics)",
  ignore: REDIS_SKIP_REASON !== undefined,
  async fn() {
    const redis = await startRedis();
    const config = { providers: {} };
    const [ca, cb] = await Promise.all(
      [0, 1].map(() => RedisConnection.open({ url: redis.url, prefix: "s:", timeoutMs: 500 })),
    );
    try {
      await Promise.all([ca.waitReady(3000), cb.waitReady(3000)]);
      const localA = new RollingStats(config);
      const localB = new RollingStats(config);
      const a = new SharedStats(localA, ca, "a", 60_000);
      const b = new SharedStats(localB, cb, "b", 60_000);
      localA.record({
        requestId: "r",
        startedAt: 0,
        apiIn: "chat",
        stream: false,
        status: 200,
        attempts: [{ provider: "p", model: "m", status: 200, ms: 400 }],
        usageSource: "none",
        durationMs: 400,
      });
      assert.equal(b.latencyMs("p", "m"), undefined);
      await a.exchange();
      await b.exchange();
      assert.equal(b.latencyMs("p", "m"), 400);
      a.close();
      b.close();
    } finally {
      ca.close();
      cb.close();
      await redis.stop();
    }
  },
});
