import assert from "node:assert/strict";
import { firstFrameEnd, FrameBoundary, lastFrameEnd } from "../../src/wire/sse_frames.ts";
import { SseParser } from "../../src/wire/sse.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Every way a blank line can be written: two line endings in a row, each LF, CR or CRLF. */
const BLANK_LINES = ["\n\n", "\r\r", "\r\n\r\n", "\n\r\n", "\r\n\n", "\n\r", "\r\r\n"];

Deno.test("a frame ends at a blank line in every line-ending style, in text and in bytes", () => {
  for (const blank of BLANK_LINES) {
    const text = `data: 1${blank}data: 2`;
    const end = text.indexOf("data: 2");
    assert.equal(firstFrameEnd(text) <= end, true, JSON.stringify(blank));
    assert.equal(text.slice(firstFrameEnd(text)).trimStart(), "data: 2", JSON.stringify(blank));
    assert.equal(lastFrameEnd(bytes(text)), end, JSON.stringify(blank));
  }
});

Deno.test("a single line ending is not a frame end", () => {
  for (const text of ["data: 1\n", "data: 1\r\n", "data: 1\r", "data: 1\r\ndata: 2\r\n"]) {
    assert.equal(firstFrameEnd(text), text.length, JSON.stringify(text));
    assert.equal(lastFrameEnd(bytes(text)), 0, JSON.stringify(text));
  }
});

Deno.test("text cut at the first frame end parses to the same events as the whole text", () => {
  for (const blank of BLANK_LINES) {
    const text = `event: a${blank.slice(0, 1)}data: 1${blank}data: 2${blank}`;
    const whole = new SseParser();
    const expected = [...whole.push(text), ...whole.end()];
    const cut = new SseParser();
    const end = firstFrameEnd(text);
    const events = [...cut.push(text.slice(0, end)), ...cut.push(text.slice(end)), ...cut.end()];
    assert.deepEqual(events, expected, JSON.stringify(blank));
    assert.equal(expected.length, 2);
  }
});

Deno.test("forwarded bytes are cut after the last whole frame; the partial one waits", () => {
  for (const blank of BLANK_LINES) {
    const boundary = new FrameBoundary();
    const first = new TextDecoder().decode(boundary.push(bytes(`data: 1${blank}data: 2`)));
    assert.equal(first, `data: 1${blank}`, JSON.stringify(blank));
    const second = new TextDecoder().decode(boundary.push(bytes(`${blank}data: 3`)));
    assert.equal(second, `data: 2${blank}`, JSON.stringify(blank));
    assert.equal(new TextDecoder().decode(boundary.rest()), "data: 3");
  }
});
