/**
 * A server out of file descriptors keeps serving: accepting fails with EMFILE while the
 * connections are held, and works again once they close. Run with a low descriptor limit.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN, REPO } from "../cli/run_plexus.ts";
import { closeQuietly } from "./raw_client.ts";

const CONFIG = `server: { host: 127.0.0.1, port: 0 }
keys: [{ name: t, secret: accept-errors-key }]
providers: { local: { api: chat, base_url: "http://127.0.0.1:9/v1", models: { m: } } }
`;

Deno.test("running out of file descriptors does not stop the server", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "plexus.yaml");
  await Deno.writeTextFile(path, CONFIG);
  const child = new Deno.Command("sh", {
    args: ["-c", 'ulimit -n 64 && exec "$@"', "sh", Deno.execPath(), "run", "-A", MAIN, "serve"]
      .concat(["--config", path]),
    cwd: REPO,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = child.stdout.getReader();
  const stderr = new Response(child.stderr).text();
  stderr.catch(() => {});
  const conns: Deno.TcpConn[] = [];
  try {
    let line = "";
    while (!line.includes("\n")) {
      const { value, done } = await stdout.read();
      if (done) break;
      line += new TextDecoder().decode(value);
    }
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
    assert.ok(port > 0, line);
    for (let i = 0; i < 80; i++) {
      conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
    }
    await new Promise((r) => setTimeout(r, 300));
    conns.splice(0).forEach(closeQuietly);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 30));
      status = await fetch(`http://127.0.0.1:${port}/health`)
        .then(async (r) => (await r.body?.cancel(), r.status)).catch(() => 0);
    }
    assert.equal(status, 200, "the server answers again once descriptors are free");
  } finally {
    conns.forEach(closeQuietly);
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await child.status;
    await stdout.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
