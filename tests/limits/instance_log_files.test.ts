/** Usage log files of several instances in one folder: readers take every instance's files. */
import assert from "node:assert/strict";
import { dayFilePath, dayOfFileName } from "../../src/usage/day_file.ts";
import { dayFilesBetween, readUsageLines } from "../../src/usage/log_reader.ts";

Deno.test("day files with an instance id are read with the plain ones, day by day", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plexus-logs-" });
  try {
    const day1 = Date.UTC(2026, 11, 4, 12);
    const day2 = Date.UTC(2026, 11, 5, 12);
    assert.equal(dayFilePath(dir, day1, "host-42"), `${dir}/2026-12-04.host-42.jsonl`);
    assert.equal(dayFilePath(dir, day1), `${dir}/2026-12-04.jsonl`);
    assert.equal(dayOfFileName("2026-12-04.host-42.jsonl"), "2026-12-04");
    assert.equal(dayOfFileName("2026-12-04.jsonl.tmp"), undefined);
    await Deno.writeTextFile(dayFilePath(dir, day2, "b"), '{"request_id":"b2"}\n');
    await Deno.writeTextFile(dayFilePath(dir, day1, "b"), '{"request_id":"b1"}\n');
    await Deno.writeTextFile(dayFilePath(dir, day1, "a"), '{"request_id":"a1"}\n');
    await Deno.writeTextFile(dayFilePath(dir, day1), '{"request_id":"p1"}\n');
    await Deno.writeTextFile(`${dir}/notes.txt`, "not a log\n");
    const files = await dayFilesBetween(dir, undefined, undefined);
    const ids: unknown[] = [];
    for await (const line of readUsageLines(files)) ids.push(line.fields.request_id);
    assert.deepEqual(ids, ["a1", "b1", "p1", "b2"]);
    assert.deepEqual(await dayFilesBetween(dir, "2026-12-05", undefined), [
      `${dir}/2026-12-05.b.jsonl`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
