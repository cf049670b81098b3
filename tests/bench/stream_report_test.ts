import assert from "node:assert/strict";
import { openFileLimits } from "../../bench/file_limit.ts";
import { errorText, formatStreamTable, type StreamRow } from "../../bench/stream_report.ts";

Deno.test("the open-file limits are read from /proc/<pid>/limits", () => {
  const limits = [
    "Limit                     Soft Limit           Hard Limit           Units     ",
    "Max processes             95344                95344                processes ",
    "Max open files            1024                 524288               files     ",
  ].join("\n");
  assert.deepEqual(openFileLimits(limits), { soft: 1024, hard: 524288 });
  assert.deepEqual(
    openFileLimits("Max open files            unlimited            unlimited            files"),
    { soft: Infinity, hard: Infinity },
  );
  assert.equal(openFileLimits("Max processes 1 1 processes"), undefined);
});

Deno.test("the stream table shows completed streams, KB per stream and error kinds", () => {
  const row: StreamRow = {
    name: "messages→chat",
    direct: false,
    streams: 10000,
    completed: 9998,
    tokens: 5_999_000,
    idleRssMb: 80,
    peakRssMb: 180,
    kbPerStream: 10.24,
    delayP50Ms: 0.5,
    delayP99Ms: 3.25,
    delayMaxMs: 40,
    delayP99AllMs: 9,
    cpuUsPerToken: 4.5,
    cpuPercent: 90,
    upstreamCpuPercent: 60,
    clientCpuPercent: [40, 35],
    errors: { "closed-early": 2, timeout: 0 },
  };
  const table = formatStreamTable([row]);
  const cells = table.split("\n")[2].split("|").map((cell) => cell.trim());
  assert.deepEqual(cells.slice(1, 4), ["messages→chat", "9998/10000", "5999000"]);
  assert.ok(cells.includes("10.2") && cells.includes("3.25") && cells.includes("4.5"), table);
  assert.equal(cells[cells.length - 2], "closed-early 2");
  assert.equal(cells[cells.length - 3], "60+40+35", "fake provider, then each client process");
  assert.equal(errorText({}), "0");
});
