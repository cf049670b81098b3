import assert from "node:assert/strict";
import {
  histogramPercentile,
  mergeSparse,
  newHistogram,
  recordDelay,
  scanStamps,
  sparse,
  stampText,
  streamPhaseMs,
} from "../../bench/stream_stamps.ts";

Deno.test("stamps are found in JSON-encoded SSE frames, also when a read splits one", () => {
  const frame = (ms: number) =>
    `event: content_block_delta\ndata: ${
      JSON.stringify({ type: "content_block_delta", delta: { text: stampText(ms) } })
    }\n\n`;
  const wire = frame(1733333333333.125) + frame(1733333333383.5);
  const split = wire.indexOf("3383") + 2;
  const first = scanStamps("", wire.slice(0, split));
  assert.deepEqual(first.stamps, [1733333333333.125]);
  const second = scanStamps(first.carry, wire.slice(split));
  assert.deepEqual(second.stamps, [1733333333383.5]);
});

Deno.test("a marker split between reads is kept; a finished stamp is never counted twice", () => {
  const first = scanStamps("", "xx T@1.000; yy T");
  assert.deepEqual(first.stamps, [1]);
  const second = scanStamps(first.carry, "@2.500; zz");
  assert.deepEqual(second.stamps, [2.5]);
  assert.deepEqual(scanStamps(second.carry, " no stamps here").stamps, []);
  assert.deepEqual(scanStamps("", "T@abc; T@; T@3;").stamps, [3], "malformed stamps skipped");
});

Deno.test("histogram percentiles come from merged client histograms", () => {
  const a = newHistogram();
  const b = newHistogram();
  for (let i = 1; i <= 98; i++) recordDelay(a, 0.5);
  recordDelay(b, 4.2);
  recordDelay(b, 5000); // beyond the range: the last bucket, not lost
  const merged = newHistogram();
  mergeSparse(merged, sparse(a));
  mergeSparse(merged, sparse(b));
  assert.equal(histogramPercentile(merged, 50)?.toFixed(2), "0.51");
  assert.equal(histogramPercentile(merged, 99)?.toFixed(2), "4.21");
  assert.ok((histogramPercentile(merged, 100) ?? 0) > 1999);
  assert.equal(histogramPercentile(newHistogram(), 50), undefined);
});

Deno.test("stream phases spread over the whole interval", () => {
  const phases = Array.from({ length: 1000 }, (_, i) => streamPhaseMs(i, 50));
  const perTenMs = [0, 0, 0, 0, 0];
  for (const phase of phases) {
    assert.ok(phase >= 0 && phase < 50);
    perTenMs[Math.floor(phase / 10)]++;
  }
  for (const count of perTenMs) assert.ok(count > 180 && count < 220, `${perTenMs}`);
});
