import assert from "node:assert/strict";
import {
  formatTable,
  parseWrkSummary,
  percentile,
  type ScenarioResult,
  withBaseline,
} from "../../bench/report.ts";

Deno.test("percentile picks the nearest-rank sample whatever the input order", () => {
  const samples = [9, 1, 5, 3, 7, 2, 8, 4, 10, 6];
  assert.equal(percentile(samples, 50), 5);
  assert.equal(percentile(samples, 99), 10);
  assert.equal(percentile(samples, 0), 1);
  assert.equal(percentile([42], 50), 42);
  assert.equal(percentile([], 50), undefined);
  assert.deepEqual(samples, [9, 1, 5, 3, 7, 2, 8, 4, 10, 6], "the input is left unsorted");
});

Deno.test("wrk's BENCH_JSON line is found among its other output and its errors summed", () => {
  const output = [
    "Running 8s test @ http://127.0.0.1:4000/v1/messages",
    "  1 threads and 32 connections",
    'BENCH_JSON {"requests":40000,"duration_us":8000000,"p50_us":750,"p99_us":2100,' +
    '"max_us":9000,"errors":{"connect":1,"read":2,"write":0,"timeout":3,"status":4}}',
  ].join("\n");
  const summary = parseWrkSummary(output);
  assert.equal(summary.requests, 40000);
  assert.equal(summary.p50Us, 750);
  assert.equal(summary.p99Us, 2100);
  assert.equal(summary.errors, 10);
});

Deno.test("wrk output without a summary line is an error, not a row of zeros", () => {
  assert.throws(() => parseWrkSummary("unable to connect to 127.0.0.1:4000"), /BENCH_JSON/);
});

function row(name: string, fields: Partial<ScenarioResult> = {}): ScenarioResult {
  return { name, direct: false, requests: 1, rps: 1, p50Ms: 1, p99Ms: 1, errors: 0, ...fields };
}

Deno.test("added latency is the gateway row minus its direct baseline", () => {
  const direct = row("direct chat", { direct: true, p50Ms: 0.5, p99Ms: 2, ttfbMs: 0.2 });
  const gateway = row("messages→chat", { p50Ms: 0.9, p99Ms: 5, ttfbMs: 0.45 });
  const compared = withBaseline(gateway, direct);
  assert.ok(Math.abs((compared.addedP50Ms ?? NaN) - 0.4) < 1e-9);
  assert.ok(Math.abs((compared.addedP99Ms ?? NaN) - 3) < 1e-9);
  assert.ok(Math.abs((compared.addedTtfbMs ?? NaN) - 0.25) < 1e-9);
  assert.equal(withBaseline(row("x"), direct).addedTtfbMs, undefined, "no ttfb, no delta");
});

Deno.test("added ttfb uses the direct probe taken in turn with the gateway's when there is one", () => {
  const direct = row("direct chat", { direct: true, ttfbMs: 0.2 });
  const gateway = row("messages→chat", { ttfbMs: 0.55, pairedDirectTtfbMs: 0.3 });
  assert.ok(Math.abs((withBaseline(gateway, direct).addedTtfbMs ?? NaN) - 0.25) < 1e-9);
});

Deno.test("the table has one aligned line per scenario with dashes for missing values", () => {
  const table = formatTable([
    row("direct chat", { direct: true, rps: 20000.4, p50Ms: 0.5 }),
    row("messages→chat stream", { rps: 3100, addedP50Ms: 0.25, cpuUsPerRequest: 180.6 }),
  ]);
  const lines = table.split("\n");
  assert.equal(lines.length, 4, "header, rule and two rows");
  const widths = new Set(lines.map((line) => [...line].length));
  assert.equal(widths.size, 1, "every line has the same width");
  const cells = (line: string) => line.split("|").slice(1, -1).map((c) => c.trim());
  const header = cells(lines[0]);
  const direct = cells(lines[2]);
  const translated = cells(lines[3]);
  assert.equal(direct[header.indexOf("req/s")], "20000");
  assert.equal(direct[header.indexOf("+p50 ms")], "-");
  assert.equal(translated[header.indexOf("+p50 ms")], "+0.25");
  assert.equal(translated[header.indexOf("cpu µs/req")], "181");
  assert.equal(translated[header.indexOf("upstream conns")], "-");
});
