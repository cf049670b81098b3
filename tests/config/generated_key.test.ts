import assert from "node:assert/strict";
import { join } from "node:path";
import { ensureGeneratedKey } from "../../src/config/generated_key.ts";

Deno.test("a generated key is created once with mode 0600 and reused afterwards", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dataDir = join(dir, "nested", "data");
    const first = await ensureGeneratedKey(dataDir);
    assert.match(first, /^plx-[A-Za-z0-9_-]{32}$/);
    const path = join(dataDir, "generated-key");
    assert.equal((await Deno.readTextFile(path)).trim(), first);
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    }
    assert.equal(await ensureGeneratedKey(dataDir), first);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two data directories get different keys", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await ensureGeneratedKey(join(dir, "a"));
    const b = await ensureGeneratedKey(join(dir, "b"));
    assert.notEqual(a, b);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("concurrent first starts agree on one key", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const keys = await Promise.all([1, 2, 3, 4].map(() => ensureGeneratedKey(dir)));
    assert.equal(new Set(keys).size, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
