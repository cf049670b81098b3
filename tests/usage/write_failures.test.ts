/**
 * The usage log never loses or double-counts a line: whatever writes fail (a disk that fills up
 * mid-batch and is freed again), every pushed line ends up in the file exactly once and whole.
 */
import assert from "node:assert/strict";
import { type AppendFiles, PartialWriteError } from "../../src/usage/append_files.ts";
import { DailyJsonlWriter } from "../../src/usage/jsonl_writer.ts";

const DAY = Date.parse("2026-11-02T12:00:00Z");

/** A disk of `budget` bytes at a time: a write larger than what is left lands in part and fails. */
function fillingDisk(): { files: AppendFiles; bytes: number[]; free(n: number): void } {
  const bytes: number[] = [];
  let budget = 0;
  const files: AppendFiles = {
    append(_path, data) {
      const fits = Math.min(budget, data.length);
      for (let i = 0; i < fits; i++) bytes.push(data[i]);
      budget -= fits;
      if (fits < data.length) {
        return Promise.reject(new PartialWriteError(fits, new Error("No space left on device")));
      }
      return Promise.resolve();
    },
    endsMidLine: () => Promise.resolve(bytes.length > 0 && bytes.at(-1) !== 0x0a),
  };
  return { files, bytes, free: (n) => (budget += n) };
}

function line(n: number) {
  // Multi-byte characters: a write may stop inside one.
  return { request_id: `req-${n}`, note: "naïve café ☕ ".repeat(n % 5) };
}

function assertEachOnceAndWhole(text: string, count: number): void {
  const lines = text.split("\n");
  assert.equal(lines.pop(), "", "the file ends with a newline");
  const ids = lines.map((l) => JSON.parse(l).request_id);
  assert.equal(ids.length, count, `expected ${count} lines, found ${ids.length}`);
  assert.deepEqual(ids, Array.from({ length: count }, (_, n) => `req-${n}`));
}

Deno.test("writes that fail part-way (a full disk, freed bit by bit) leave each line once and whole", async () => {
  const disk = fillingDisk();
  const messages: string[] = [];
  const writer = new DailyJsonlWriter({
    dir: "/unused",
    files: disk.files,
    flushIntervalMs: 60_000,
    onError: (m) => messages.push(m),
  });
  disk.free(700);
  for (let n = 0; n < 100; n++) {
    writer.push(DAY, line(n));
    // Every few requests, a flush meets a disk with a little room, often less than a batch.
    if (n % 7 === 6) {
      await writer.flush();
      disk.free(97 + (n % 13) * 31);
    }
  }
  await writer.flush();
  assert.ok(writer.pending > 0, "the disk was full at some point");
  disk.free(1_000_000);
  await writer.close();
  assertEachOnceAndWhole(new TextDecoder().decode(new Uint8Array(disk.bytes)), 100);
  assert.match(messages[0], /No space left on device/);
  assert.match(messages.at(-1) ?? "", /works again/);
});

Deno.test("lines still unwritten at exit are counted in one message", async () => {
  const disk = fillingDisk();
  const messages: string[] = [];
  const writer = new DailyJsonlWriter({
    dir: "/var/plexus/usage",
    files: disk.files,
    onError: (m) => messages.push(m),
  });
  disk.free(60);
  for (let n = 0; n < 10; n++) writer.push(DAY, line(n));
  await writer.close();
  assert.match(
    messages.at(-1) ?? "",
    /^\d+ line\(s\) could not be written to \/var\/plexus\/usage/,
  );
});

/** Root may mount a tiny tmpfs; elsewhere (a developer's laptop) this test says why it skips. */
function tinyFilesystem(): string | undefined {
  if (Deno.build.os !== "linux") return undefined;
  try {
    const dir = Deno.makeTempDirSync({ prefix: "plexus-tmpfs-" });
    const mounted = new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    if (mounted.success) return dir;
    Deno.removeSync(dir);
  } catch {
    // No mount command or not allowed.
  }
  return undefined;
}

const TMPFS = tinyFilesystem();
if (TMPFS === undefined) {
  console.error("skipping the tmpfs test: mounting a 64 KB tmpfs needs root on Linux");
} else {
  // Also when the test itself is filtered out.
  globalThis.addEventListener("unload", () => {
    new Deno.Command("umount", { args: [TMPFS] }).outputSync();
    Deno.removeSync(TMPFS, { recursive: true });
  });
}

Deno.test({
  name: "on a real 64 KB filesystem that fills up and is freed, 100 requests leave 100 whole lines",
  ignore: TMPFS === undefined,
  async fn() {
    const dir = TMPFS!;
    try {
      // Fill the filesystem to the last byte.
      const filler = await Deno.open(`${dir}/filler`, { write: true, create: true });
      const chunk = new Uint8Array(1024);
      try {
        for (;;) await filler.write(chunk);
      } catch {
        // ENOSPC: full.
      }
      // Single bytes fill the last partial page too.
      try {
        for (;;) await filler.write(chunk.subarray(0, 1));
      } catch {
        // Full to the byte.
      }
      filler.close();
      const messages: string[] = [];
      const writer = new DailyJsonlWriter({
        dir: `${dir}/usage`,
        flushIntervalMs: 60_000,
        onError: (m) => messages.push(m),
      });
      for (let n = 0; n < 50; n++) writer.push(DAY, line(n));
      await writer.flush();
      assert.equal(writer.pending, 50, "nothing fits on a full disk");
      // Free a little: part of the queue fits, the rest fails mid-write.
      await Deno.truncate(`${dir}/filler`, (await Deno.stat(`${dir}/filler`)).size - 6000);
      for (let n = 50; n < 100; n++) writer.push(DAY, line(n));
      await writer.flush();
      await Deno.remove(`${dir}/filler`);
      await writer.close();
      const text = await Deno.readTextFile(`${dir}/usage/2026-11-02.jsonl`);
      assertEachOnceAndWhole(text, 100);
      assert.ok(
        messages.some((m) => /No space left on device|os error 28/i.test(m)),
        messages.join("\n"),
      );
    } finally {
      await Deno.remove(`${dir}/filler`).catch(() => {});
    }
  },
});
