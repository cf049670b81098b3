/**
 * Two real Plexus processes sharing one real Redis: cooldowns, rate limits, budgets and
 * API-created keys hold across both, and Redis dying mid-load costs no client request.
 */
import assert from "node:assert/strict";
import { type FakeUpstream, startFakeUpstream } from "../support/fake_upstream.ts";
import { type PlexusProcess, startPlexus } from "../support/plexus_process.ts";
import { REDIS_SKIP_REASON, type RedisServer, startRedis } from "../support/redis_server.ts";

const ADMIN = "shared-admin-key";
const ALICE = "alice-shared-secret";
const BOB = "bob-shared-secret";
const CAROL = "carol-shared-secret";

if (REDIS_SKIP_REASON !== undefined) console.error(`skipping Redis tests: ${REDIS_SKIP_REASON}`);

interface Cluster {
  fake: FakeUpstream;
  redis: RedisServer;
  dir: string;
  a: PlexusProcess;
  b: PlexusProcess;
  close(): Promise<void>;
}

/** Output only is priced: a 5-token answer costs exactly $0.01. */
function configText(fakeUrl: string, redisUrl: string): string {
  return `
server:
  data_dir: ./data
  shutdown_grace_ms: 2000
admin_key: ${ADMIN}
keys:
  - name: alice
    secret: ${ALICE}
    limits: { requests_per_minute: 10 }
  - name: bob
    secret: ${BOB}
    limits: { budget: { usd: 0.1, period: month } }
  - name: carol
    secret: ${CAROL}
    limits: { requests_per_minute: 100000 }
providers:
  up:
    api: chat
    base_url: ${fakeUrl}/v1
    models:
      good: { pricing: { input: 0, output: 2000 } }
      bad: { pricing: { input: 0, output: 2000 } }
models:
  smart:
    selector: in_order
    targets:
      - { provider: up, model: bad }
      - { provider: up, model: good }
  plain:
    targets:
      - { provider: up, model: good }
cooldown: { base_ms: 60000 }
state: { store: redis, url: "${redisUrl}", prefix: "t:" }
`;
}

async function startCluster(): Promise<Cluster> {
  const fake = await startFakeUpstream();
  const redis = await startRedis();
  const dir = await Deno.makeTempDir({ prefix: "plexus-shared-" });
  const path = `${dir}/plexus.yaml`;
  await Deno.writeTextFile(path, configText(fake.url, redis.url));
  // Both instances share one data_dir: allowed with Redis (usage logs carry instance ids).
  const [a, b] = await Promise.all([startPlexus(path), startPlexus(path)]);
  return {
    fake,
    redis,
    dir,
    a,
    b,
    async close() {
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
      await fake.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

function chat(base: string, secret: string, model = "plain"): Promise<number> {
  return fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  }).then(async (response) => {
    await response.body?.cancel();
    return response.status;
  });
}

async function admin(base: string, path: string, init: RequestInit = {}): Promise<Response> {
  return await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
  });
}

async function eventually(what: string, check: () => Promise<boolean>, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function redisTest(name: string, fn: (c: Cluster) => Promise<void>) {
  Deno.test({
    name,
    ignore: REDIS_SKIP_REASON !== undefined,
    async fn() {
      const cluster = await startCluster();
      try {
        await fn(cluster);
      } finally {
        await cluster.close();
      }
    },
  });
}

/** 30 concurrent requests, half to each instance, against 10 per minute: exactly 10 pass. */
async function rateLimitAcrossBoth(c: Cluster) {
  const statuses = await Promise.all(
    Array.from({ length: 30 }, (_, i) => chat(i % 2 === 0 ? c.a.url : c.b.url, ALICE)),
  );
  assert.equal(statuses.filter((s) => s === 200).length, 10, `rate limit: ${statuses}`);
  assert.equal(statuses.filter((s) => s === 429).length, 20);
}

/** $0.10 at exactly $0.01 per request, 30 concurrent across both: exactly 10 pass. */
async function budgetAcrossBoth(c: Cluster) {
  const statuses = await Promise.all(
    Array.from({ length: 30 }, (_, i) => chat(i % 2 === 0 ? c.a.url : c.b.url, BOB)),
  );
  assert.equal(statuses.filter((s) => s === 200).length, 10, `budget: ${statuses}`);
  // Settled usage, not only reservations: still refused on both once everything finished.
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await chat(c.a.url, BOB), 429);
  assert.equal(await chat(c.b.url, BOB), 429);
  const bob = await (await admin(c.b.url, "/v0/keys/bob")).json();
  assert.equal(bob.usage.budget.spent_usd, 0.1);
}

/** A target cooled through A is skipped by B without B trying it. */
async function cooldownAcrossBoth(c: Cluster) {
  c.fake.setDefault((request) =>
    request.model === "bad" ? { kind: "error", status: 503 } : { kind: "scenario", scenario: {} }
  );
  const badCalls = () => c.fake.requests.filter((r) => r.model === "bad").length;
  const before = badCalls();
  assert.equal(await chat(c.a.url, CAROL, "smart"), 200);
  assert.equal(badCalls(), before + 1);
  await eventually("B to see the cooldown", async () => {
    const state = await (await admin(c.b.url, "/v0/state")).json();
    return state.cooldowns.targets.some((t: { model: string; cooling: boolean }) =>
      t.model === "bad" && t.cooling
    );
  }, 2000);
  assert.equal(await chat(c.b.url, CAROL, "smart"), 200);
  assert.equal(badCalls(), before + 1, "B skipped the target A cooled");
  c.fake.setDefault(undefined);
}

/** A key created on A works on B at once; revoked on B, A refuses it. */
async function runtimeKeysAcrossBoth(c: Cluster) {
  const created = await admin(c.a.url, "/v0/keys", {
    method: "POST",
    body: JSON.stringify({ name: "svc", models: ["plain"], limits: { requests_per_minute: 3 } }),
  });
  assert.equal(created.status, 201);
  const { secret } = await created.json();
  assert.match(secret, /^plx-/);
  await eventually("B to know the new key", async () => (await chat(c.b.url, secret)) === 200);
  assert.equal(await chat(c.a.url, secret), 200);
  assert.equal(await chat(c.a.url, secret, "smart"), 403, "outside its scope");
  const listed = await (await admin(c.b.url, "/v0/keys/svc")).json();
  assert.equal(listed.usage.requests_per_minute.used, 2);
  assert.ok(!JSON.stringify(listed).includes(secret), "the secret is never listed");
  assert.equal((await admin(c.b.url, "/v0/keys/svc", { method: "DELETE" })).status, 200);
  await eventually("A to forget the key", async () => (await chat(c.a.url, secret)) === 401);
  assert.equal((await admin(c.a.url, "/v0/keys/alice", { method: "DELETE" })).status, 409);
}

redisTest("two instances on one Redis share limits, budgets, cooldowns and keys", async (c) => {
  await rateLimitAcrossBoth(c);
  await budgetAcrossBoth(c);
  await cooldownAcrossBoth(c);
  await runtimeKeysAcrossBoth(c);
});

redisTest("Redis killed mid-load loses no request; restarted, it is used again", async (c) => {
  const statuses: number[] = [];
  let stop = false;
  const workers = Array.from({ length: 8 }, async (_, i) => {
    while (!stop) statuses.push(await chat(i % 2 === 0 ? c.a.url : c.b.url, CAROL));
  });
  await new Promise((r) => setTimeout(r, 300));
  await c.redis.kill();
  await new Promise((r) => setTimeout(r, 700));
  const health = await (await admin(c.a.url, "/health?detail=true")).json();
  assert.equal(health.state.connected, false);
  assert.match(health.state.mode, /local/);
  await c.redis.restart();
  await eventually("both instances to reconnect", async () => {
    const [ha, hb] = await Promise.all([
      admin(c.a.url, "/health?detail=true").then((r) => r.json()),
      admin(c.b.url, "/health?detail=true").then((r) => r.json()),
    ]);
    return ha.state.connected === true && hb.state.connected === true;
  }, 10_000);
  await new Promise((r) => setTimeout(r, 200));
  stop = true;
  await Promise.all(workers);
  assert.ok(statuses.length > 50, `load ran (${statuses.length} requests)`);
  assert.deepEqual(statuses.filter((s) => s !== 200), [], "every request answered 200");
  // The counters live in the restarted (empty) Redis again.
  const keys = await c.redis.cli("--scan", "--pattern", "t:limits:key:carol:*");
  assert.match(keys, /t:limits:key:carol:req/);
});

redisTest(
  "instances sharing a data_dir write their own usage files; /v0/logs reads them all",
  async (c) => {
    const statuses = await Promise.all([
      chat(c.a.url, CAROL),
      chat(c.b.url, CAROL),
      chat(c.a.url, CAROL),
      chat(c.b.url, CAROL),
    ]);
    assert.deepEqual(statuses, [200, 200, 200, 200]);
    const dir = `${c.dir}/data/logs/usage`;
    await eventually("both instances to write their usage files", async () => {
      const names: string[] = [];
      try {
        for await (const entry of Deno.readDir(dir)) names.push(entry.name);
      } catch {
        return false;
      }
      return names.filter((name) => /^\d{4}-\d{2}-\d{2}\.[A-Za-z0-9_-]+\.jsonl$/.test(name))
        .length === 2;
    }, 5000);
    const logs = await (await admin(c.a.url, "/v0/logs?limit=100")).json();
    assert.equal(logs.data.length, 4, "A's /v0/logs has B's lines too");
  },
);
