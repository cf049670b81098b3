/** Cooldowns survive a real restart of the `plexus serve` process; a corrupt file does not stop it. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cooldownFilePath } from "../../src/state/file_store.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake_upstream.ts";
import { byModel, models, OK, postChat } from "./helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function yamlFor(fake: FakeUpstream, dataDir: string): string {
  return `server:
  host: 127.0.0.1
  port: 0
  data_dir: ${JSON.stringify(dataDir)}
  shutdown_grace_ms: 1000
admin_key: admin-secret
keys:
  - name: tester
    secret: test-client-key
cooldown:
  base_ms: 60000
providers:
  p:
    api: chat
    base_url: ${fake.url}/v1
    api_key: upstream-key
    models:
      m1:
      m2:
models:
  a:
    selector: in_order
    targets:
      - { provider: p, model: m1 }
      - { provider: p, model: m2 }
`;
}

interface Served {
  url: string;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number>;
}

async function serve(configPath: string): Promise<Served> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "main.ts"), "serve", "--config", configPath],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  const errDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (err += chunk) }),
  );
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  let url: string | undefined;
  while (url === undefined) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`plexus exited before listening: ${err}`);
    out += value;
    url = /listening on (http:\/\/[^\s]+)/.exec(out)?.[1];
  }
  const drain = (async () => {
    while (!(await lines.read()).done) { /* keep stdout flowing */ }
  })();
  return {
    url,
    stderr: () => err,
    async stop() {
      child.kill("SIGTERM");
      const status = await child.status;
      await drain;
      await errDone;
      return status.code;
    },
  };
}

Deno.test("a cooldown set before a restart still skips the target after it", async () => {
  const fake = await startFakeUpstream();
  const dataDir = await Deno.makeTempDir();
  const configPath = join(dataDir, "plexus.yaml");
  await Deno.writeTextFile(configPath, yamlFor(fake, dataDir));
  try {
    const first = await serve(configPath);
    fake.setDefault(
      byModel({ m1: { kind: "error", status: 429, headers: { "retry-after": "120" } } }),
    );
    const answered = await postChat(first.url, "a");
    assert.equal(answered.status, 200);
    await answered.body?.cancel();
    assert.deepEqual(models(fake.requests), ["m1", "m2"]);
    assert.equal(await first.stop(), 0, "SIGTERM is a clean exit");
    const saved = JSON.parse(await Deno.readTextFile(cooldownFilePath(dataDir)));
    assert.ok(saved.targets["p/m1"].until > Date.now() + 100_000);

    const second = await serve(configPath);
    try {
      fake.reset();
      fake.setDefault(OK);
      const response = await postChat(second.url, "a");
      assert.equal(response.status, 200);
      await response.body?.cancel();
      assert.deepEqual(models(fake.requests), ["m2"], "m1 is still cooling after the restart");
      const detail = await fetch(`${second.url}/health?detail=true`, {
        headers: { authorization: "Bearer admin-secret" },
      }).then((r) => r.json());
      const m1 = detail.targets.find((t: { model: string }) => t.model === "m1");
      assert.equal(m1.status, "cooling");
      assert.match(m1.reason, /^429/);
    } finally {
      assert.equal(await second.stop(), 0);
    }
  } finally {
    await fake.close();
  }
});

Deno.test("a corrupt cooldown file is reported and ignored: plexus starts and routes normally", async () => {
  const fake = await startFakeUpstream();
  const dataDir = await Deno.makeTempDir();
  const configPath = join(dataDir, "plexus.yaml");
  await Deno.writeTextFile(configPath, yamlFor(fake, dataDir));
  await Deno.mkdir(join(dataDir, "state"));
  await Deno.writeTextFile(cooldownFilePath(dataDir), "{ not json");
  try {
    const served = await serve(configPath);
    try {
      const response = await postChat(served.url, "a");
      assert.equal(response.status, 200);
      await response.body?.cancel();
      assert.deepEqual(models(fake.requests), ["m1"]);
    } finally {
      assert.equal(await served.stop(), 0);
    }
    assert.match(served.stderr(), /not a valid cooldown file/);
    const rewritten = JSON.parse(await Deno.readTextFile(cooldownFilePath(dataDir)));
    assert.deepEqual(rewritten.targets, {}, "shutdown replaced the corrupt file with valid state");
  } finally {
    await fake.close();
  }
});
