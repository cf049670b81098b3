/** `plexus serve` with a data_dir it cannot write says so at start, in one line, and exits 1. */
import assert from "node:assert/strict";
import { runPlexus } from "./run_plexus.ts";

Deno.test("a data_dir that cannot be written stops serve at start with a clear message, no stack trace", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plexus-datadir-" });
  try {
    // A file where the folder should be: even root cannot create a folder inside it.
    await Deno.writeTextFile(`${dir}/occupied`, "");
    await Deno.writeTextFile(
      `${dir}/plexus.yaml`,
      "server:\n  port: 0\n  data_dir: ./occupied/data\nproviders: {}\n",
    );
    const result = await runPlexus(["serve", "--config", `${dir}/plexus.yaml`]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /plexus cannot start: data_dir \S+occupied\/data cannot be written \(.+\): set server\.data_dir/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
