import assert from "node:assert/strict";
import { cpuMicrosPerRequest, cpuTicksFromStat, statusKb } from "../../bench/proc.ts";
import { rssGrowth } from "../../bench/soak.ts";

Deno.test("CPU ticks add utime and stime even when the command name holds spaces and parens", () => {
  // Fields 14 (utime) = 1234 and 15 (stime) = 56, after a name that would fool a naive split.
  const stat = "4242 (deno (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 9 0";
  assert.equal(cpuTicksFromStat(stat), 1290);
});

Deno.test("the real /proc/self/stat of this process parses to a plausible tick count", () => {
  const ticks = cpuTicksFromStat(Deno.readTextFileSync("/proc/self/stat"));
  assert.ok(Number.isInteger(ticks) && ticks >= 0);
});

Deno.test("peak and current RSS come from their own status lines, in kB", () => {
  const status = "Name:\tdeno\nVmPeak:\t 999999 kB\nVmHWM:\t   81234 kB\nVmRSS:\t   70000 kB\n";
  assert.equal(statusKb(status, "VmHWM"), 81234);
  assert.equal(statusKb(status, "VmRSS"), 70000);
  assert.equal(statusKb("Name:\tdeno\n", "VmRSS"), undefined);
});

Deno.test("CPU per request divides the tick delta in microseconds by the requests served", () => {
  // 50 ticks at 100 per second = 0.5 s of CPU over 2,500 requests = 200 µs each.
  assert.equal(cpuMicrosPerRequest(1000, 1050, 100, 2500), 200);
  assert.equal(cpuMicrosPerRequest(1000, 1050, 100, 0), undefined);
});

Deno.test("soak RSS growth is measured from the first warm sample to the last", () => {
  const samples = [
    { atS: 0, rssMb: 40 },
    { atS: 60, rssMb: 80 },
    { atS: 300, rssMb: 82 },
    { atS: 600, rssMb: 84 },
  ];
  const growth = rssGrowth(samples, 600);
  assert.equal(growth.first, 80, "the cold start-up sample is skipped");
  assert.equal(growth.last, 84);
  assert.equal(growth.percent, 5);
});
