import assert from "node:assert/strict";
import type { AppendFiles } from "../../src/usage/append_files.ts";
import { DENO_APPEND_FILES } from "../../src/usage/append_files.ts";
import { DailyJsonlWriter } from "../../src/usage/jsonl_writer.ts";
import { readUsageLines } from "../../src/usage/log_reader.ts";

const MIDNIGHT = Date.parse("2026-11-02T00:00:00Z");

Deno.test("lines go to the file of their request's UTC day, across midnight", async () => {
  const dir = await Deno.makeTempDir();
  const writer = new DailyJsonlWriter({ dir, flushIntervalMs: 10_000 });
  writer.push(MIDNIGHT - 1, { n: 1 });
  writer.push(MIDNIGHT, { n: 2 });
  writer.push(MIDNIGHT - 500, { n: 3 });
  await writer.close();
  const before = await Deno.readTextFile(`${dir}/2026-11-01.jsonl`);
  const after = await Deno.readTextFile(`${dir}/2026-11-02.jsonl`);
  assert.equal(before, '{"n":1}\n{"n":3}\n');
  assert.equal(after, '{"n":2}\n');
});

Deno.test("push only queues; the timer writes within the flush interval", async () => {
  const dir = await Deno.makeTempDir();
  const writer = new DailyJsonlWriter({ dir, flushIntervalMs: 30 });
  writer.push(MIDNIGHT, { n: 1 });
  assert.equal(writer.pending, 1);
  await assert.rejects(Deno.stat(`${dir}/2026-11-02.jsonl`), Deno.errors.NotFound);
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(writer.pending, 0);
  assert.equal(await Deno.readTextFile(`${dir}/2026-11-02.jsonl`), '{"n":1}\n');
  await writer.close();
});

Deno.test("under load, lines are written in small batches before the interval is over, in order", async () => {
  const batches: string[] = [];
  const files: AppendFiles = {
    append(_path, bytes) {
      batches.push(new TextDecoder().decode(bytes));
      return Promise.resolve();
    },
    endsMidLine: () => Promise.resolve(false),
  };
  const writer = new DailyJsonlWriter({
    dir: "/unused",
    files,
    flushIntervalMs: 60_000,
    flushAtChars: 100,
  });
  // Requests finish a few at a time, with I/O in between.
  for (let n = 0; n < 50; n++) {
    writer.push(MIDNIGHT, { n, pad: "x".repeat(20) });
    if (n % 5 === 4) await new Promise((r) => setTimeout(r, 0));
  }
  // No timer could have fired (one minute): only the size threshold wrote.
  assert.ok(batches.length >= 5, `expected several early batches, got ${batches.length}`);
  assert.ok(batches.every((b) => b.length < 400), "each batch stays small");
  await writer.close();
  const lines = batches.join("").trimEnd().split("\n").map((l) => JSON.parse(l).n);
  assert.deepEqual(lines, Array.from({ length: 50 }, (_, n) => n));
});

Deno.test("a failing disk is reported once, keeps the lines in order and retries until it works", async () => {
  const dir = await Deno.makeTempDir();
  let broken = true;
  const written: string[] = [];
  const files: AppendFiles = {
    append(_path, bytes) {
      if (broken) return Promise.reject(new Error("disk full"));
      written.push(new TextDecoder().decode(bytes));
      return Promise.resolve();
    },
    endsMidLine: () => Promise.resolve(false),
  };
  const messages: string[] = [];
  const writer = new DailyJsonlWriter({
    dir,
    files,
    flushIntervalMs: 10,
    onError: (m) => messages.push(m),
  });
  writer.push(MIDNIGHT, { n: 1 });
  await writer.flush();
  writer.push(MIDNIGHT, { n: 2 });
  await writer.flush();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(messages.length, 1, "one message per outage, not one per try");
  assert.match(messages[0], /disk full/);
  assert.equal(writer.pending, 2);
  broken = false;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(written.join(""), '{"n":1}\n{"n":2}\n');
  assert.equal(messages.length, 2);
  await writer.close();
});

Deno.test("a line cut by a crash is skipped by readers and does not swallow the next line", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/2026-11-02.jsonl`;
  await Deno.writeTextFile(path, '{"n":1}\n{"n":2,"cut');
  const writer = new DailyJsonlWriter({ dir, files: DENO_APPEND_FILES });
  writer.push(MIDNIGHT, { n: 3 });
  await writer.close();
  const counts = { skipped: 0 };
  const read = [];
  for await (const line of readUsageLines([path], counts)) read.push(line.fields.n);
  assert.deepEqual(read, [1, 3]);
  assert.equal(counts.skipped, 1);
});

Deno.test("a file whose last line was cut is still read up to that line", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/2026-11-02.jsonl`;
  await Deno.writeTextFile(path, '{"n":1}\n{"n":2}\n{"n":3,"par');
  const counts = { skipped: 0 };
  const read = [];
  for await (const line of readUsageLines([path], counts)) read.push(line.fields.n);
  assert.deepEqual(read, [1, 2]);
  assert.equal(counts.skipped, 1);
});
