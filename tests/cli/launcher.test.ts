/** `./plexus` runs the CLI from a checkout; `plexus health` answers for a running server. */
import assert from "node:assert/strict";
import { VERSION } from "../../src/version.ts";
import { startGateway } from "../support/gateway.ts";
import { testConfig } from "../support/config.ts";
import { REPO, runPlexus } from "./run_plexus.ts";

Deno.test({
  name: "./plexus at the repository root prints the version of deno.json, as does /health",
  ignore: Deno.build.os === "windows",
  async fn() {
    const output = await new Deno.Command(`${REPO}plexus`, {
      args: ["--version"],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.equal(new TextDecoder().decode(output.stdout).trim(), `plexus ${VERSION}`);
    const denoJson = JSON.parse(await Deno.readTextFile(`${REPO}deno.json`));
    assert.equal(VERSION, denoJson.version);
  },
});

Deno.test("plexus health exits 0 for a running server and 1 when nothing answers", async () => {
  const gateway = await startGateway(testConfig({}));
  try {
    const up = await runPlexus(["health", "--url", `${gateway.url}/health`]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, new RegExp(`plexus ${VERSION.replaceAll(".", "\\.")}`));
  } finally {
    await gateway.close();
  }
  const down = await runPlexus([
    "health",
    "--url",
    `${gateway.url}/health`,
    "--timeout-ms",
    "1000",
  ]);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /^unhealthy: /);
});
