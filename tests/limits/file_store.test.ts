/**
 * The file store: one instance per data_dir (a second refuses to start), and API-created keys and
 * spent budgets survive a restart.
 */
import assert from "node:assert/strict";
import { startServer } from "../../src/http/server.ts";
import { testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { refusedStart, startPlexus } from "../support/plexus_process.ts";

const ADMIN = { authorization: "Bearer test-admin-key", "content-type": "application/json" };

Deno.test("a second instance on the same data_dir refuses to start and says why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plexus-lock-" });
  const path = `${dir}/plexus.yaml`;
  await Deno.writeTextFile(
    path,
    "server: { data_dir: ./data }\nkeys: [{ name: k, secret: lock-test-secret }]\n",
  );
  const first = await startPlexus(path);
  try {
    const second = await refusedStart(path);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /another Plexus instance \(pid \d+/);
    assert.match(second.stderr, /state: \{ store: redis/);
  } finally {
    await first.stop();
  }
  // Stopped cleanly, it released the lock: a new instance starts.
  const third = await startPlexus(path);
  await third.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("keys created through /v0/keys and spent budgets survive a restart", async () => {
  const fake = await startFakeUpstream();
  const config = testConfig(
    {
      up: {
        api: "chat",
        baseUrl: fake.url + "/v1",
        models: ["m"],
        pricing: { m: { input: 0, output: 2000 } },
      },
    },
    { smart: { targets: [{ provider: "up", model: "m" }] } },
  );
  let server = await startServer(config);
  let base = `http://127.0.0.1:${server.addr.port}`;
  const created = await fetch(`${base}/v0/keys`, {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify({ name: "svc", limits: { budget: { usd: 0.02, period: "total" } } }),
  });
  assert.equal(created.status, 201);
  const { secret, name } = await created.json();
  assert.equal(name, "svc");
  const chat = async () => {
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "smart",
        max_tokens: 5,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    await response.body?.cancel();
    return response.status;
  };
  assert.equal(await chat(), 200);
  const saved = await Deno.readTextFile(`${config.server.dataDir}/state/keys.json`);
  assert.ok(!saved.includes(secret), "only the hash is stored");
  await server.shutdown();

  server = await startServer(config);
  base = `http://127.0.0.1:${server.addr.port}`;
  try {
    assert.equal(await chat(), 200, "the key still works; $0.01 of $0.02 was spent");
    assert.equal(await chat(), 429, "the budget spent before the restart still counts");
    const listed = await (await fetch(`${base}/v0/keys/svc`, { headers: ADMIN })).json();
    assert.equal(listed.usage.budget.spent_usd, 0.02);
    assert.equal(listed.usage.budget.resets_at, null);
    const deleted = await fetch(`${base}/v0/keys/svc`, { method: "DELETE", headers: ADMIN });
    assert.equal(deleted.status, 200);
    await deleted.body?.cancel();
    assert.equal(await chat(), 401, "revoked at once");
  } finally {
    await server.shutdown();
    await fake.close();
    await Deno.remove(config.server.dataDir, { recursive: true });
  }
});
