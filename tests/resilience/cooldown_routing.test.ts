/** Cooldowns seen from the outside: skipped targets, expiry, reset by success, the health view. */
import assert from "node:assert/strict";
import { CooldownTracker } from "../../src/state/cooldowns.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { aliasConfig, byModel, models, OK, postChat, sleep } from "./helpers.ts";

async function detail(url: string, headers: Record<string, string>): Promise<Response> {
  return await fetch(`${url}/health?detail=true`, { headers });
}

Deno.test("a rate-limited target is skipped while it cools, tried again after, and a success resets it", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m1", "m2"]);
  const gateway = await startGateway(config);
  const admin = { authorization: `Bearer ${config.adminKey}` };
  try {
    fake.enqueue({ kind: "error", status: 429, headers: { "retry-after-ms": "300" } });
    fake.setDefault(OK);
    (await postChat(gateway.url, "a")).body?.cancel();
    assert.deepEqual(models(fake.requests), ["m1", "m2"]);

    const cooling = await detail(gateway.url, admin).then((r) => r.json());
    const m1 = cooling.targets.find((t: { model: string }) => t.model === "m1");
    assert.equal(m1.status, "cooling");
    assert.equal(m1.consecutive_failures, 1);
    assert.match(m1.reason, /^429/);
    assert.ok(Date.parse(m1.cooling_until) > Date.now());

    fake.reset();
    fake.setDefault(OK);
    (await postChat(gateway.url, "a")).body?.cancel();
    assert.deepEqual(models(fake.requests), ["m2"], "the cooling target was skipped");

    await sleep(350);
    fake.reset();
    fake.setDefault(OK);
    (await postChat(gateway.url, "a")).body?.cancel();
    assert.deepEqual(models(fake.requests), ["m1"], "after the cooldown the target is back first");
    const healthy = await detail(gateway.url, admin).then((r) => r.json());
    assert.equal(healthy.targets[0].status, "healthy");
    assert.equal(healthy.targets[0].consecutive_failures, 0, "the success reset the count");
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("when every target cools, the one whose cooldown ends first is still tried", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m1", "m2"]);
  const health = new CooldownTracker({ config: config.cooldown });
  const gateway = await startGateway(config, { health });
  try {
    fake.setDefault(byModel({
      m1: { kind: "error", status: 429, headers: { "retry-after": "60" } },
      m2: { kind: "error", status: 429, headers: { "retry-after": "30" } },
    }));
    (await postChat(gateway.url, "a")).body?.cancel();
    fake.reset();
    fake.setDefault(OK);
    const response = await postChat(gateway.url, "a");
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.deepEqual(models(fake.requests), ["m2"]);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a rejected upstream key cools every model of that provider", async () => {
  const fake = await startFakeUpstream();
  // The alias uses m1 only; m2 is never called, yet it cools with its provider.
  const config = aliasConfig(fake.url, ["m1", "m2"], {
    targets: [{ provider: "p", model: "m1" }],
  });
  const gateway = await startGateway(config);
  try {
    fake.setDefault({ kind: "error", status: 401 });
    (await postChat(gateway.url, "a")).body?.cancel();
    assert.deepEqual(models(fake.requests), ["m1"]);
    const body = await detail(gateway.url, { "x-api-key": config.adminKey! }).then((r) => r.json());
    assert.equal(body.providers[0].status, "cooling");
    assert.match(body.providers[0].reason, /^401/);
    assert.ok(body.targets.every((t: { status: string }) => t.status === "cooling"));
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("detailed health needs the admin key and is off without one; plain health stays open", async () => {
  const fake = await startFakeUpstream();
  const withKey = await startGateway(aliasConfig(fake.url, ["m"]));
  const withoutKey = await startGateway(aliasConfig(fake.url, ["m"], {}, { adminKey: undefined }));
  try {
    assert.equal(
      (await detail(withKey.url, {}).then(async (r) => (await r.body?.cancel(), r))).status,
      401,
    );
    const wrong = await detail(withKey.url, { authorization: "Bearer test-client-key" });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    const off = await detail(withoutKey.url, {});
    assert.equal(off.status, 404);
    assert.match((await off.json()).error.message, /disabled/);
    const plain = await fetch(`${withKey.url}/health`).then((r) => r.json());
    assert.equal(plain.status, "ok");
    assert.equal(plain.targets, undefined);
  } finally {
    await withKey.close();
    await withoutKey.close();
    await fake.close();
  }
});
