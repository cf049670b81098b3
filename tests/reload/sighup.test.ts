/** `plexus serve` as a real process: SIGHUP reloads the config instead of ending the process. */
import assert from "node:assert/strict";
import { startPlexus } from "../cli/run_plexus.ts";
import { OK } from "../resilience/helpers.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { ADMIN_HEADERS, chatRequest, configHashOf, configYaml, sha256Hex } from "./helpers.ts";

Deno.test({
  name: "SIGHUP re-reads the config file; the process keeps serving with the new keys",
  ignore: Deno.build.os === "windows",
  async fn() {
    const fake = await startFakeUpstream();
    fake.setDefault(OK);
    const dir = await Deno.makeTempDir({ prefix: "plexus-sighup-" });
    const path = `${dir}/plexus.yaml`;
    await Deno.writeTextFile(path, configYaml({ upstream: fake.url }));
    const plexus = await startPlexus(["--config", path]);
    try {
      const edited = configYaml({ upstream: fake.url, keys: { dave: "dave-key-4" } });
      await Deno.writeTextFile(path, edited);
      plexus.signal("SIGHUP");
      const want = await sha256Hex(edited);
      const deadline = Date.now() + 5000;
      while (await configHashOf(plexus.url) !== want) {
        assert.ok(Date.now() < deadline, "SIGHUP did not reload the config within 5 s");
        await new Promise((r) => setTimeout(r, 50));
      }
      const dave = await chatRequest(plexus.url, "dave-key-4", "oa/m1");
      assert.equal(dave.status, 200);
      await dave.body?.cancel();
      const alice = await chatRequest(plexus.url, "alice-key-1", "oa/m1");
      assert.equal(alice.status, 401);
      await alice.body?.cancel();
      const health = await fetch(`${plexus.url}/health`, { headers: ADMIN_HEADERS });
      assert.equal(health.status, 200);
      await health.body?.cancel();
    } finally {
      const finished = await plexus.stop("SIGTERM");
      await fake.close();
      await Deno.remove(dir, { recursive: true });
      assert.equal(finished.code, 0, finished.stderr);
      assert.match(finished.stderr, /config reloaded \(signal\)/);
    }
  },
});
