/** The real `plexus serve` process: stopping it with SIGTERM under load loses no usage line. */
import assert from "node:assert/strict";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { readUsageFiles } from "./log_support.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const SECRET = "sigterm-test-key-123";

async function listeningPort(stdout: ReadableStream<Uint8Array>): Promise<number> {
  let text = "";
  for await (const chunk of stdout.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
    if (match !== null) return Number(match[1]);
  }
  throw new Error(`serve never said where it listens: ${text}`);
}

Deno.test({
  name: "no usage line is lost when the server is stopped with SIGTERM during load",
  ignore: Deno.build.os === "windows",
  async fn() {
    const fake = await startFakeUpstream();
    fake.setDefault({ kind: "delay", ms: 150, then: { kind: "scenario", scenario: {} } });
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(
      `${dir}/plexus.yaml`,
      [
        "server:",
        "  data_dir: ./data",
        "  port: 0",
        "  shutdown_grace_ms: 10000",
        "keys:",
        "  - name: loader",
        `    secret: ${SECRET}`,
        "providers:",
        "  oa:",
        "    api: chat",
        `    base_url: ${fake.url}/v1`,
        "    models:",
        "      m: {}",
        "",
      ].join("\n"),
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "serve", "--config", `${dir}/plexus.yaml`],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const stdout = child.stdout.tee();
    const port = await listeningPort(stdout[0]);
    stdout[1].cancel();

    const answered: string[] = [];
    const send = async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "oa/m", messages: [{ role: "user", content: "hi" }] }),
        });
        await response.text();
        answered.push(response.headers.get("x-request-id") ?? "");
      } catch {
        // Sent after the server stopped listening: never reached it, never logged.
      }
    };
    const load: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) load.push(send());
    // All 40 in flight (the upstream holds each for 150 ms) before the signal, even on a busy machine.
    const deadline = Date.now() + 10_000;
    while (fake.requests.length < 40 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill("SIGTERM");
    for (let i = 0; i < 10; i++) load.push(send());
    await Promise.all(load);
    const status = await child.status;
    await fake.close();

    assert.equal(status.code, 0);
    assert.ok(
      answered.length >= 40,
      `the 40 requests in flight were answered (${answered.length})`,
    );
    const lines = await readUsageFiles(`${dir}/data`);
    assert.deepEqual(
      lines.map((l) => l.request_id).sort(),
      answered.sort(),
      "one line per answered request",
    );
  },
});
