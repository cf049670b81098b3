/** Reloading the config while serving: PUT /v0/config, POST /v0/config/reload and the file watch. */
import assert from "node:assert/strict";
import { FrameReader } from "../admin/sse_reader.ts";
import { OK } from "../resilience/helpers.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import {
  ADMIN_HEADERS,
  chatRequest,
  configHashOf,
  configYaml,
  serveFromFile,
  sha256Hex,
} from "./helpers.ts";

async function subscribe(base: string): Promise<FrameReader> {
  const response = await fetch(`${base}/v0/events`, { headers: ADMIN_HEADERS });
  assert.ok(response.body);
  const reader = new FrameReader(response.body);
  await reader.next();
  return reader;
}

function putConfig(base: string, yaml: string): Promise<Response> {
  return fetch(`${base}/v0/config`, { method: "PUT", headers: ADMIN_HEADERS, body: yaml });
}

Deno.test("PUT /v0/config with problems answers 400 with line and column, and changes nothing", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault(OK);
  const original = configYaml({ upstream: fake.url });
  const fixture = await serveFromFile(original);
  const base = fixture.gateway.url;
  const events = await subscribe(base);
  try {
    const broken = original.replace("api: chat", "api: chatt") + "bogus_key: 1\n";
    const response = await putConfig(base, broken);
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.match(body.error.message, /2 problems/);
    const paths = body.problems.map((p: { path: string }) => p.path).sort();
    assert.deepEqual(paths, ["bogus_key", "providers.oa.api"]);
    const apiProblem = body.problems.find((p: { path: string }) => p.path === "providers.oa.api");
    assert.equal(apiProblem.line, original.split("\n").indexOf("    api: chat") + 1);
    assert.equal(apiProblem.col, 10);

    assert.equal(await Deno.readTextFile(fixture.path), original);
    await assert.rejects(Deno.stat(`${fixture.path}.bak`));
    assert.equal(await configHashOf(base), await sha256Hex(original));
    const data = await events.waitFor("config");
    assert.equal(data.ok, false);
    assert.equal(data.trigger, "put");
    assert.equal((data.problems as unknown[]).length, 2);
    const answer = await chatRequest(base, "alice-key-1", "oa/m1");
    assert.equal(answer.status, 200);
    await answer.body?.cancel();
  } finally {
    await events.cancel();
    await fixture.close();
    await fake.close();
  }
});

Deno.test("PUT /v0/config writes the file (old one as .bak), applies it, and a removed key stops at once", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault(OK);
  const original = configYaml({
    upstream: fake.url,
    keys: { alice: "alice-key-1", bob: "bob-key-2" },
  });
  const fixture = await serveFromFile(original);
  const base = fixture.gateway.url;
  try {
    const before = await chatRequest(base, "bob-key-2", "oa/m1");
    assert.equal(before.status, 200);
    await before.body?.cancel();

    const next = configYaml({
      upstream: fake.url,
      keys: { alice: "alice-key-1" },
      providers: { oa: ["m1"], other: ["m9"] },
      aliases: { smart: [["other", "m9"]] },
    });
    const response = await putConfig(base, next);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.ok, true);
    assert.equal(body.hash, await sha256Hex(next));
    assert.deepEqual(body.changes.keys_removed, ["bob"]);
    assert.deepEqual(body.changes.providers_added, ["other"]);
    assert.deepEqual(body.restart_needed, []);

    assert.equal(await Deno.readTextFile(fixture.path), next);
    assert.equal(await Deno.readTextFile(`${fixture.path}.bak`), original);
    assert.equal(await configHashOf(base), await sha256Hex(next));

    const removed = await chatRequest(base, "bob-key-2", "oa/m1");
    assert.equal(removed.status, 401);
    await removed.body?.cancel();
    const viaAlias = await chatRequest(base, "alice-key-1", "smart");
    assert.equal(viaAlias.status, 200);
    await viaAlias.body?.cancel();
    assert.equal((fake.lastRequest()?.body as { model?: string }).model, "m9");
  } finally {
    await fixture.close();
    await fake.close();
  }
});

Deno.test("a request in flight finishes on the config it started with when its provider is removed", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault({ kind: "delay", ms: 400, then: OK });
  const fixture = await serveFromFile(
    configYaml({ upstream: fake.url, providers: { slow: ["m1"], kept: ["m2"] } }),
  );
  const base = fixture.gateway.url;
  try {
    const inFlight = chatRequest(base, "alice-key-1", "slow/m1");
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const response = await putConfig(
      base,
      configYaml({ upstream: fake.url, providers: { kept: ["m2"] } }),
    );
    assert.equal(response.status, 200);
    assert.deepEqual((await response.json()).changes.providers_removed, ["slow"]);
    const finished = await inFlight;
    assert.equal(finished.status, 200);
    assert.equal((await finished.json()).object, "chat.completion");
    const [record] = await fixture.gateway.waitForRecords(1);
    assert.equal(record.provider, "slow");

    const after = await chatRequest(base, "alice-key-1", "slow/m1");
    assert.equal(after.status, 404);
    await after.body?.cancel();
  } finally {
    await fixture.close();
    await fake.close();
  }
});

Deno.test("POST /v0/config/reload re-reads the file; a port change is reported as needing a restart", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault(OK);
  const fixture = await serveFromFile(configYaml({ upstream: fake.url }));
  const base = fixture.gateway.url;
  const events = await subscribe(base);
  try {
    const edited = configYaml({ upstream: fake.url, port: 4999, providers: { oa: ["m1", "m2"] } });
    await Deno.writeTextFile(fixture.path, edited);
    const response = await fetch(`${base}/v0/config/reload`, {
      method: "POST",
      headers: ADMIN_HEADERS,
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.deepEqual(body.restart_needed, ["server.port"]);
    assert.deepEqual(body.changes.providers_changed, ["oa"]);
    const event = await events.waitFor("config");
    assert.equal(event.ok, true);
    assert.equal(event.trigger, "api");
    assert.deepEqual(event.restart_needed, ["server.port"]);
    // Still serving on the old port, with the new model.
    const answer = await chatRequest(base, "alice-key-1", "oa/m2");
    assert.equal(answer.status, 200);
    await answer.body?.cancel();
    const view = await (await fetch(`${base}/v0/config`, { headers: ADMIN_HEADERS })).json();
    assert.equal(view.server.port, 0, "the running port setting stays until a restart");

    await Deno.writeTextFile(fixture.path, "providers: [\n");
    const refused = await fetch(`${base}/v0/config/reload`, {
      method: "POST",
      headers: ADMIN_HEADERS,
    });
    assert.equal(refused.status, 400);
    assert.equal((await refused.json()).problems.length, 1);
    const still = await chatRequest(base, "alice-key-1", "oa/m2");
    assert.equal(still.status, 200);
    await still.body?.cancel();
  } finally {
    await events.cancel();
    await fixture.close();
    await fake.close();
  }
});

Deno.test("cooldowns of unchanged providers survive a reload; a redefined provider's are cleared", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault({ kind: "error", status: 503 });
  const fixture = await serveFromFile(
    configYaml({ upstream: fake.url, providers: { a: ["m1"], b: ["m1"] } }),
  );
  const base = fixture.gateway.url;
  try {
    for (const model of ["a/m1", "b/m1"]) {
      const failed = await chatRequest(base, "alice-key-1", model);
      assert.equal(failed.status, 503);
      await failed.body?.cancel();
    }
    const cooling = async () => {
      const state = await (await fetch(`${base}/v0/state`, { headers: ADMIN_HEADERS })).json();
      return JSON.stringify(state.cooldowns);
    };
    assert.match(await cooling(), /"a"/);
    assert.match(await cooling(), /"b"/);
    const next = configYaml({ upstream: fake.url, providers: { a: ["m1"], b: ["m1", "m2"] } });
    assert.equal((await putConfig(base, next)).status, 200);
    const after = await cooling();
    assert.match(after, /"a"/);
    assert.doesNotMatch(after, /"b"/);
  } finally {
    await fixture.close();
    await fake.close();
  }
});

Deno.test("with server.watch_config, saving the file reloads it", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault(OK);
  const fixture = await serveFromFile(
    configYaml({ upstream: fake.url, extra: ["  watch_config: true"] }),
  );
  const base = fixture.gateway.url;
  try {
    const edited = configYaml({
      upstream: fake.url,
      extra: ["  watch_config: true"],
      keys: { carol: "carol-key-3" },
    });
    // Like an editor: a new file renamed over the old one.
    await Deno.writeTextFile(`${fixture.path}.swp`, edited);
    await Deno.rename(`${fixture.path}.swp`, fixture.path);
    const want = await sha256Hex(edited);
    const deadline = Date.now() + 5000;
    while (await configHashOf(base) !== want) {
      assert.ok(Date.now() < deadline, "the edited file was not reloaded within 5 s");
      await new Promise((r) => setTimeout(r, 50));
    }
    const carol = await chatRequest(base, "carol-key-3", "oa/m1");
    assert.equal(carol.status, 200);
    await carol.body?.cancel();
  } finally {
    await fixture.close();
    await fake.close();
  }
});
