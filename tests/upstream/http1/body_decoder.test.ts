import assert from "node:assert/strict";
import { BodyDecoder } from "../../../src/upstream/http1/body_decoder.ts";
import { type Framing, MalformedResponseError } from "../../../src/upstream/http1/head.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Decoded {
  body: string;
  done: boolean;
  /** Bytes of the input that the decoder left unconsumed (the next response). */
  rest: string;
}

/**
 * Feeds `wire` to a decoder in the given pieces, each in its own buffer (as socket reads would
 * give them), copying every body view out at once, the way the client does.
 */
function decodePieces(framing: Framing, pieces: Uint8Array[]): Decoded {
  const bodyDecoder: BodyDecoder = new BodyDecoder(framing);
  const body: number[] = [];
  let rest = "";
  for (const piece of pieces) {
    // Surround the piece with junk so a decoder that reads outside [start, end) is caught.
    const buffer = new Uint8Array(piece.length + 6).fill(0x5a);
    buffer.set(piece, 3);
    const out: Uint8Array[] = [];
    const consumed = bodyDecoder.feed(buffer, 3, 3 + piece.length, out);
    for (const view of out) body.push(...view);
    rest += decoder.decode(buffer.subarray(consumed, 3 + piece.length));
    assert.ok(consumed >= 3 && consumed <= 3 + piece.length, `consumed ${consumed}`);
  }
  return { body: decoder.decode(new Uint8Array(body)), done: bodyDecoder.done, rest };
}

function decodeWhole(framing: Framing, wire: string): Decoded {
  return decodePieces(framing, [encoder.encode(wire)]);
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(bytes.slice(from, cut));
    from = cut;
  }
  return pieces;
}

const CHUNKED: Framing = { kind: "chunked" };

/** Feeds the wire whole, split in two at every byte offset, and byte by byte. */
function assertEverySplit(wire: string, expected: Decoded): void {
  const bytes = encoder.encode(wire);
  assert.deepEqual(decodePieces(CHUNKED, [bytes]), expected, "whole");
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(decodePieces(CHUNKED, splitAt(bytes, [cut])), expected, `cut at ${cut}`);
  }
  for (let a = 1; a < bytes.length; a += 3) {
    for (let b = a; b < bytes.length; b += 5) {
      assert.deepEqual(decodePieces(CHUNKED, splitAt(bytes, [a, b])), expected, `cuts ${a},${b}`);
    }
  }
  const single = [...bytes].map((byte) => Uint8Array.of(byte));
  assert.deepEqual(decodePieces(CHUNKED, single), expected, "byte by byte");
}

// ---------------------------------------------------------------------------------------------
// chunked
// ---------------------------------------------------------------------------------------------

Deno.test("a chunked body decodes to the same bytes whole, split at every offset and byte by byte", () => {
  const wire = "5\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\n\r\n";
  assertEverySplit(wire, { body: "hello world!", done: true, rest: "" });
});

Deno.test("chunk extensions are ignored, at every split", () => {
  const wire = '4;ext=1\r\ndata\r\n3 ; name="quoted;value"\r\nabc\r\n0;last\r\n\r\n';
  assertEverySplit(wire, { body: "dataabc", done: true, rest: "" });
});

Deno.test("trailer fields after the last chunk are skipped, at every split", () => {
  const wire = "3\r\nabc\r\n0\r\nx-trailer: 1\r\nserver-timing: db;dur=53\r\n\r\n";
  assertEverySplit(wire, { body: "abc", done: true, rest: "" });
});

Deno.test("bare LF line ends are tolerated in sizes, after data and in trailers, at every split", () => {
  const wire = "3\nabc\n2;e=1\nde\n0\nt: 1\n\n";
  assertEverySplit(wire, { body: "abcde", done: true, rest: "" });
});

Deno.test("hex chunk sizes in either case decode, at every split", () => {
  const data = "x".repeat(0x1a) + "y".repeat(0x1f);
  const wire = `1a\r\n${"x".repeat(0x1a)}\r\n1F\r\n${"y".repeat(0x1f)}\r\n0\r\n\r\n`;
  assertEverySplit(wire, { body: data, done: true, rest: "" });
});

Deno.test("SSE frames in chunks that do not line up with events decode, at every split", () => {
  const events = 'data: {"a":1}\n\ndata: {"b":"é✓"}\n\ndata: [DONE]\n\n';
  const bytes = encoder.encode(events);
  assert.equal(bytes[27], 0xc3); // "é" is bytes 27 and 28: the third chunk ends between them.
  // Chunk boundaries fall inside events and inside a multi-byte UTF-8 character.
  const parts: number[] = [];
  for (const [from, to] of [[0, 7], [7, 20], [20, 28], [28, bytes.length]]) {
    parts.push(...encoder.encode(`${(to - from).toString(16)}\r\n`));
    parts.push(...bytes.subarray(from, to));
    parts.push(13, 10);
  }
  parts.push(...encoder.encode("0\r\n\r\n"));
  const wireBytes = new Uint8Array(parts);
  for (let cut = 0; cut <= wireBytes.length; cut++) {
    assert.deepEqual(
      decodePieces(CHUNKED, splitAt(wireBytes, [cut])),
      { body: events, done: true, rest: "" },
      `cut at ${cut}`,
    );
  }
});

Deno.test("bytes after the end of a chunked body are not consumed: they are the next response", () => {
  const next = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
  assertEverySplit(`2\r\nhi\r\n0\r\n\r\n${next}`, { body: "hi", done: true, rest: next });
  assertEverySplit(`2\r\nhi\r\n0\r\nt: v\r\n\r\n${next}`, { body: "hi", done: true, rest: next });
});

Deno.test("feed returns the index just past the chunked body when more bytes follow", () => {
  const bytes = encoder.encode("1\r\na\r\n0\r\n\r\nNEXT");
  const bodyDecoder: BodyDecoder = new BodyDecoder(CHUNKED);
  const out: Uint8Array[] = [];
  assert.equal(bodyDecoder.feed(bytes, 0, bytes.length, out), bytes.length - 4);
  assert.equal(bodyDecoder.done, true);
  // Once done, nothing more is consumed.
  assert.equal(bodyDecoder.feed(bytes, bytes.length - 4, bytes.length, out), bytes.length - 4);
  assert.deepEqual(out.map((view) => decoder.decode(view)), ["a"]);
});

Deno.test("a chunked body is not done until the blank line after the last chunk", () => {
  const partial = decodeWhole(CHUNKED, "3\r\nabc\r\n0\r\n");
  assert.deepEqual(partial, { body: "abc", done: false, rest: "" });
  assert.equal(decodeWhole(CHUNKED, "3\r\nabc\r\n0\r\nx: y\r\n").done, false);
});

Deno.test("finish() throws when a chunked body is cut short, wherever the cut is", () => {
  const wire = encoder.encode("5\r\nhello\r\n0\r\n\r\n");
  for (let cut = 0; cut < wire.length; cut++) {
    const bodyDecoder: BodyDecoder = new BodyDecoder(CHUNKED);
    bodyDecoder.feed(wire, 0, cut, []);
    assert.equal(bodyDecoder.done, false, `cut at ${cut}`);
    assert.throws(() => bodyDecoder.finish(), MalformedResponseError, `cut at ${cut}`);
  }
  const whole: BodyDecoder = new BodyDecoder(CHUNKED);
  whole.feed(wire, 0, wire.length, []);
  assert.doesNotThrow(() => whole.finish());
});

Deno.test("a chunk size that is not hex, is empty or is too large is a MalformedResponseError", () => {
  for (
    const wire of [
      "zz\r\n",
      "\r\n",
      "-1\r\n",
      "0x5\r\nhello\r\n",
      "5 5\r\n",
      ";ext\r\n",
      "12345678901234\r\n",
    ]
  ) {
    assert.throws(
      () => new BodyDecoder(CHUNKED).feed(encoder.encode(wire), 0, wire.length, []),
      MalformedResponseError,
      JSON.stringify(wire),
    );
  }
});

Deno.test("chunk data longer than its size is a MalformedResponseError", () => {
  const wire = "3\r\nabcd\r\n0\r\n\r\n";
  assert.throws(
    () => new BodyDecoder(CHUNKED).feed(encoder.encode(wire), 0, wire.length, []),
    MalformedResponseError,
  );
});

Deno.test("a chunk size line longer than 1 KiB is a MalformedResponseError, even fed in pieces", () => {
  const line = encoder.encode(`5;${"e".repeat(2000)}`);
  assert.throws(
    () => new BodyDecoder(CHUNKED).feed(line, 0, line.length, []),
    MalformedResponseError,
  );
  const bodyDecoder: BodyDecoder = new BodyDecoder(CHUNKED);
  assert.throws(() => {
    for (let at = 0; at < line.length; at += 100) {
      bodyDecoder.feed(line, at, Math.min(at + 100, line.length), []);
    }
  }, MalformedResponseError);
});

Deno.test("a size line with a long extension under 1 KiB is still accepted", () => {
  const wire = `2;${"e".repeat(900)}\r\nok\r\n0\r\n\r\n`;
  assert.deepEqual(decodeWhole(CHUNKED, wire), { body: "ok", done: true, rest: "" });
});

// ---------------------------------------------------------------------------------------------
// content-length
// ---------------------------------------------------------------------------------------------

Deno.test("a content-length body decodes the same at every split and leaves what follows", () => {
  const framing: Framing = { kind: "length", length: 11 };
  const bytes = encoder.encode("hello worldHTTP/1.1");
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(
      decodePieces(framing, splitAt(bytes, [cut])),
      { body: "hello world", done: true, rest: "HTTP/1.1" },
      `cut at ${cut}`,
    );
  }
  const single = [...bytes].map((byte) => Uint8Array.of(byte));
  assert.deepEqual(decodePieces(framing, single), {
    body: "hello world",
    done: true,
    rest: "HTTP/1.1",
  });
});

Deno.test("a zero-length body is done before any byte and consumes nothing", () => {
  const bodyDecoder: BodyDecoder = new BodyDecoder({ kind: "length", length: 0 });
  assert.equal(bodyDecoder.done, true);
  const bytes = encoder.encode("HTTP/1.1 200 OK");
  const out: Uint8Array[] = [];
  assert.equal(bodyDecoder.feed(bytes, 0, bytes.length, out), 0);
  assert.equal(out.length, 0);
  assert.doesNotThrow(() => bodyDecoder.finish());
});

Deno.test("finish() throws when a content-length body is cut short", () => {
  const bodyDecoder: BodyDecoder = new BodyDecoder({ kind: "length", length: 10 });
  const bytes = encoder.encode("12345");
  bodyDecoder.feed(bytes, 0, bytes.length, []);
  assert.equal(bodyDecoder.done, false);
  assert.throws(() => bodyDecoder.finish(), MalformedResponseError);
  const complete: BodyDecoder = new BodyDecoder({ kind: "length", length: 5 });
  complete.feed(bytes, 0, bytes.length, []);
  assert.doesNotThrow(() => complete.finish());
});

Deno.test("body pieces are views of the input buffer, not copies", () => {
  const bytes = encoder.encode("abc");
  const out: Uint8Array[] = [];
  new BodyDecoder({ kind: "length", length: 3 }).feed(bytes, 0, 3, out);
  assert.equal(out.length, 1);
  assert.equal(out[0].buffer, bytes.buffer);
});

// ---------------------------------------------------------------------------------------------
// close-delimited
// ---------------------------------------------------------------------------------------------

Deno.test("a close-delimited body takes every byte and is done only when finish() is called", () => {
  const framing: Framing = { kind: "close" };
  const bodyDecoder: BodyDecoder = new BodyDecoder(framing);
  const out: Uint8Array[] = [];
  const bytes = encoder.encode("anything\r\n0\r\n\r\nat all");
  assert.equal(bodyDecoder.feed(bytes, 0, 5, out), 5);
  assert.equal(bodyDecoder.feed(bytes, 5, bytes.length, out), bytes.length);
  assert.equal(bodyDecoder.done, false);
  assert.doesNotThrow(() => bodyDecoder.finish());
  assert.equal(bodyDecoder.done, true);
  assert.equal(
    decoder.decode(new Uint8Array(out.flatMap((view) => [...view]))),
    "anything\r\n0\r\n\r\nat all",
  );
});

Deno.test("a close-delimited body with no bytes at all is still a complete, empty body", () => {
  const bodyDecoder: BodyDecoder = new BodyDecoder({ kind: "close" });
  const out: Uint8Array[] = [];
  assert.equal(bodyDecoder.feed(new Uint8Array(4), 2, 2, out), 2);
  assert.equal(out.length, 0);
  assert.doesNotThrow(() => bodyDecoder.finish());
});
