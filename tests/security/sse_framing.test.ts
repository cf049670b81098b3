/**
 * Framing a provider's stream costs time linear in its size however the bytes are cut: a
 * multi-megabyte frame (base64 images) in small reads must not be re-joined and re-scanned from
 * its start on every read. Measured as a ratio against one plain loop over the same bytes, so the
 * machine's speed cancels out (quadratic framing made the ratio several hundred).
 */
import assert from "node:assert/strict";
import { SseParser } from "../../src/wire/sse.ts";
import { FrameBoundary } from "../../src/wire/sse_frames.ts";

const FRAME = `data: "${"QUJD".repeat(512 * 1024)}"\n\n`; // 2 MiB of base64
const PIECE = 4096;

function fastestMs(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return Math.max(best, 0.5);
}

/** One pass of a trivial loop over every code of the frame: the linear yardstick. */
function oneLinearPassMs(): number {
  let sink = 0;
  const ms = fastestMs(() => {
    for (let i = 0; i < FRAME.length; i++) sink ^= FRAME.charCodeAt(i);
  });
  assert.notEqual(sink, -1);
  return ms;
}

function pieces<T extends { length: number; slice(a: number, b: number): T }>(whole: T): T[] {
  const out: T[] = [];
  for (let at = 0; at < whole.length; at += PIECE) out.push(whole.slice(at, at + PIECE));
  return out;
}

Deno.test("the SSE parser takes a 2 MiB frame in 4 KiB pieces in linear time", () => {
  const cut = pieces(FRAME);
  let events = 0;
  const linear = oneLinearPassMs();
  const split = fastestMs(() => {
    const parser = new SseParser();
    events = 0;
    for (const piece of cut) events += parser.push(piece).length;
  });
  assert.equal(events, 1);
  assert.ok(
    split / linear < 40,
    `in pieces ${split.toFixed(1)} ms, one pass ${linear.toFixed(1)} ms`,
  );
});

Deno.test("forwarded frames are cut in linear time however the bytes arrive", () => {
  const bytes = new TextEncoder().encode(FRAME);
  const cut = pieces(bytes);
  let forwarded = 0;
  const linear = oneLinearPassMs();
  const split = fastestMs(() => {
    const frames = new FrameBoundary();
    forwarded = 0;
    for (const piece of cut) forwarded += frames.push(piece).byteLength;
  });
  assert.equal(forwarded, bytes.byteLength);
  assert.ok(
    split / linear < 40,
    `in pieces ${split.toFixed(1)} ms, one pass ${linear.toFixed(1)} ms`,
  );
});

Deno.test("one frame over the cap is refused with an error naming the setting", () => {
  assert.throws(
    () => new SseParser(1000).push(`data: ${"x".repeat(2000)}`),
    /limits\.upstream_frame_bytes/,
  );
  const frames = new FrameBoundary(1000);
  assert.throws(() => {
    for (let i = 0; i < 3; i++) frames.push(new TextEncoder().encode(`data: ${"x".repeat(500)}`));
  }, /limits\.upstream_frame_bytes/);
  // Many small frames are not one large one.
  const parser = new SseParser(1000);
  let events = 0;
  for (let i = 0; i < 100; i++) events += parser.push(`data: ${"y".repeat(500)}\n\n`).length;
  assert.equal(events, 100);
});
