import assert from "node:assert/strict";
import { join } from "node:path";
import { CooldownTracker } from "../../src/state/cooldowns.ts";
import { DebouncedSave } from "../../src/state/debounced_save.ts";
import { cooldownFilePath, FileCooldownStore } from "../../src/state/file_store.ts";
import { openPersistedCooldowns } from "../../src/state/persisted_cooldowns.ts";
import { failureForStatus } from "../../src/upstream/failure.ts";
import { testConfig } from "../support/config.ts";

const STATE = {
  providers: { p: { until: Date.now() + 60_000, reason: "401: bad key", failures: 1 } },
  targets: { "p/m": { until: Date.now() + 60_000, reason: "429: slow down", failures: 3 } },
};

Deno.test("saved cooldowns load back unchanged and the write leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  const store = new FileCooldownStore(dir, { log: () => {} });
  await store.save(STATE);
  assert.deepEqual(await store.load(), STATE);
  const names = [...Deno.readDirSync(join(dir, "state"))].map((e) => e.name);
  assert.deepEqual(names, ["cooldowns.json"]);
});

Deno.test("a corrupt cooldown file is logged and ignored, never fatal", async () => {
  const corrupt = [
    '{"version":1,"providers":',
    '{"version":1,"providers":{},"targets":{"a":{}}}',
    "[]",
  ];
  for (const text of corrupt) {
    const dir = await Deno.makeTempDir();
    await Deno.mkdir(join(dir, "state"));
    await Deno.writeTextFile(cooldownFilePath(dir), text);
    const logged: string[] = [];
    const store = new FileCooldownStore(dir, { log: (m) => logged.push(m) });
    assert.deepEqual(await store.load(), { providers: {}, targets: {} });
    assert.equal(logged.length, 1);
    assert.match(logged[0], /not a valid cooldown file/);
  }
});

Deno.test("a missing cooldown file is logged and means nothing is cooling", async () => {
  const logged: string[] = [];
  const store = new FileCooldownStore(await Deno.makeTempDir(), { log: (m) => logged.push(m) });
  assert.deepEqual(await store.load(), { providers: {}, targets: {} });
  assert.equal(logged.length, 1);
});

Deno.test("a burst of changes is saved once, after the interval, not on the caller's path", async () => {
  let saves = 0;
  const saver = new DebouncedSave(() => {
    saves++;
    return Promise.resolve();
  }, 50);
  for (let i = 0; i < 20; i++) saver.schedule();
  assert.equal(saves, 0, "nothing is written synchronously");
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(saves, 1);
  saver.schedule();
  await saver.flush();
  assert.equal(saves, 2, "flush writes what is pending at once");
});

Deno.test("a persisted tracker writes its changes to the data dir and restores them, expired ones dropped", async () => {
  const config = testConfig({}, {}, { cooldown: { baseMs: 60_000, maxMs: 600_000 } });
  const first = await openPersistedCooldowns(config, { saveIntervalMs: 10 });
  first.tracker.reportFailure("p", "long", failureForStatus(429, "limit", 60_000), Date.now());
  first.tracker.reportFailure("p", "short", failureForStatus(429, "limit", 50), Date.now());
  await first.flush();
  const saved = JSON.parse(await Deno.readTextFile(cooldownFilePath(config.server.dataDir)));
  assert.deepEqual(Object.keys(saved.targets).sort(), ["p/long", "p/short"]);

  await new Promise((r) => setTimeout(r, 80));
  const second = await openPersistedCooldowns(config);
  assert.ok(second.tracker instanceof CooldownTracker);
  const now = Date.now();
  assert.ok(second.tracker.coolingUntil("p", "long", now) > now + 50_000);
  assert.deepEqual(Object.keys(second.tracker.snapshot().targets), ["p/long"]);
});
