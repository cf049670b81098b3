/** `GET /v0/state` and `DELETE /v0/state/cooldowns`, driven through a real gateway. */
import assert from "node:assert/strict";
import { FileCooldownStore } from "../../src/state/file_store.ts";
import { CooldownTracker } from "../../src/state/cooldowns.ts";
import type { AttemptFailure } from "../../src/upstream/failure.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { aliasConfig, OK, postChat } from "../resilience/helpers.ts";
import { adminHeaders, getJson, isRecord } from "./helpers.ts";

interface CooldownItem {
  provider: string;
  model?: string;
  cooling: boolean;
  until: string;
  reason: string;
  consecutive_failures: number;
}

function cooldownTargets(body: unknown): CooldownItem[] {
  assert.ok(isRecord(body) && isRecord(body.cooldowns) && Array.isArray(body.cooldowns.targets));
  return body.cooldowns.targets as CooldownItem[];
}

Deno.test("a 429 from the upstream shows as a cooling target in /v0/state", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m1", "m2"]);
  const gateway = await startGateway(config);
  try {
    fake.enqueue({ kind: "error", status: 429, headers: { "retry-after": "120" } });
    fake.setDefault(OK);
    const response = await postChat(gateway.url, "a");
    assert.equal(response.status, 200, "the second target answered");
    await response.body?.cancel();

    const { status, body } = await getJson(`${gateway.url}/v0/state`, adminHeaders(config));
    assert.equal(status, 200);
    const targets = cooldownTargets(body);
    assert.equal(targets.length, 1);
    const [m1] = targets;
    assert.equal(m1.provider, "p");
    assert.equal(m1.model, "m1");
    assert.equal(m1.cooling, true);
    assert.match(m1.reason, /^429/);
    const left = Date.parse(m1.until) - Date.now();
    assert.ok(left > 100_000 && left <= 120_000, `retry-after decides the end (${left} ms left)`);

    assert.ok(isRecord(body));
    assert.equal(typeof body.version, "string");
    assert.equal(typeof body.uptime_s, "number");
    assert.equal(body.in_flight_requests, 0);
    assert.ok(Array.isArray(body.stats));
    const stats = body.stats.filter(isRecord);
    const m1Stats = stats.find((s) => s.model === "m1");
    const m2Stats = stats.find((s) => s.model === "m2");
    assert.equal(m1Stats?.error_rate, 1, "the rate-limited attempt counts as an error");
    assert.equal(m2Stats?.error_rate, 0);
    assert.equal(typeof m2Stats?.latency_ms, "number");
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("DELETE /v0/state/cooldowns clears them, routing uses the target again, and the file says so", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m1", "m2"]);
  const gateway = await startGateway(config);
  const admin = adminHeaders(config);
  try {
    fake.enqueue({ kind: "error", status: 429, headers: { "retry-after": "120" } });
    fake.setDefault(OK);
    (await postChat(gateway.url, "a")).body?.cancel();
    assert.equal(cooldownTargets((await getJson(`${gateway.url}/v0/state`, admin)).body).length, 1);

    const cleared = await getJson(`${gateway.url}/v0/state/cooldowns`, admin, "DELETE");
    assert.equal(cleared.status, 200);
    assert.ok(isRecord(cleared.body));
    assert.equal(cleared.body.cleared, 1);
    assert.deepEqual(cooldownTargets((await getJson(`${gateway.url}/v0/state`, admin)).body), []);

    const saved = await new FileCooldownStore(config.server.dataDir).load();
    assert.deepEqual(saved.targets, {}, "the cleared state was written to the store");

    fake.reset();
    fake.setDefault(OK);
    (await postChat(gateway.url, "a")).body?.cancel();
    assert.deepEqual(fake.requests.map((r) => r.model), ["m1"], "m1 is tried first again");
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("clearing with ?provider=&model= removes only that target", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m1", "m2"]);
  const health = new CooldownTracker({ config: config.cooldown });
  const failure: AttemptFailure = {
    reason: "status",
    status: 429,
    kind: "rate_limit",
    message: "slow down",
    fallback: true,
    providerWide: false,
  };
  health.reportFailure("p", "m1", failure, Date.now());
  health.reportFailure("p", "m2", failure, Date.now());
  const gateway = await startGateway(config, { health });
  const admin = adminHeaders(config);
  try {
    const cleared = await getJson(
      `${gateway.url}/v0/state/cooldowns?provider=p&model=m2`,
      admin,
      "DELETE",
    );
    assert.equal(cleared.status, 200);
    assert.ok(isRecord(cleared.body));
    assert.equal(cleared.body.cleared, 1);
    const left = cooldownTargets((await getJson(`${gateway.url}/v0/state`, admin)).body);
    assert.deepEqual(left.map((t) => t.model), ["m1"]);
  } finally {
    await gateway.close();
    await fake.close();
  }
});
