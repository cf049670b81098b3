import assert from "node:assert/strict";
import { crc32 } from "../../../src/codecs/bedrock/crc32.ts";
import {
  EventStreamDecoder,
  EventStreamError,
  type EventStreamMessage,
} from "../../../src/codecs/bedrock/event_stream.ts";
import { bedrockEvent, concatBytes, eventStreamMessage } from "../../support/aws_event_stream.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function summary(messages: EventStreamMessage[]): Array<[unknown, string]> {
  return messages.map((m) => [m.headers.get(":event-type"), text(m.payload)]);
}

Deno.test("crc32 matches the IEEE check value of '123456789'", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

Deno.test("a message's headers and payload are read back", () => {
  const frame = bedrockEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hi" } });
  const [message] = new EventStreamDecoder().push(frame);
  assert.equal(message.headers.get(":event-type"), "contentBlockDelta");
  assert.equal(message.headers.get(":message-type"), "event");
  assert.equal(message.headers.get(":content-type"), "application/json");
  assert.deepEqual(JSON.parse(text(message.payload)), {
    contentBlockIndex: 0,
    delta: { text: "Hi" },
  });
});

Deno.test("several messages in one read all come out, in order", () => {
  const bytes = concatBytes([
    bedrockEvent("messageStart", { role: "assistant" }),
    bedrockEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "a" } }),
    bedrockEvent("messageStop", { stopReason: "end_turn" }),
  ]);
  assert.deepEqual(summary(new EventStreamDecoder().push(bytes)).map(([type]) => type), [
    "messageStart",
    "contentBlockDelta",
    "messageStop",
  ]);
});

Deno.test("a message split at every possible byte comes out once, whole", () => {
  const first = bedrockEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "é€" } });
  const second = bedrockEvent("messageStop", { stopReason: "end_turn" });
  const bytes = concatBytes([first, second]);
  for (let cut = 1; cut < bytes.byteLength; cut++) {
    const decoder = new EventStreamDecoder();
    const out = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
    decoder.end();
    assert.equal(out.length, 2, `cut at ${cut}`);
    assert.equal(JSON.parse(text(out[0].payload)).delta.text, "é€");
  }
});

Deno.test("a stream fed one byte at a time decodes the same messages", () => {
  const bytes = concatBytes(
    Array.from({ length: 50 }, (_, i) => bedrockEvent("x", { i, pad: "p".repeat(i * 7) })),
  );
  const decoder = new EventStreamDecoder();
  const out: EventStreamMessage[] = [];
  for (let i = 0; i < bytes.byteLength; i++) out.push(...decoder.push(bytes.subarray(i, i + 1)));
  decoder.end();
  assert.deepEqual(out.map((m) => JSON.parse(text(m.payload)).i), [...Array(50).keys()]);
});

Deno.test("a flipped payload byte fails the message checksum", () => {
  const frame = bedrockEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hi" } });
  frame[frame.byteLength - 8] ^= 0x01;
  assert.throws(() => new EventStreamDecoder().push(frame), (error: unknown) => {
    assert.ok(error instanceof EventStreamError);
    assert.match(error.message, /message checksum/);
    return true;
  });
});

Deno.test("a corrupted length fails the prelude checksum before any length is trusted", () => {
  const frame = bedrockEvent("messageStart", { role: "assistant" });
  frame[2] ^= 0x40;
  assert.throws(() => new EventStreamDecoder().push(frame), /prelude checksum/);
});

Deno.test("a wrong message checksum is caught even when the frame came in pieces", () => {
  const frame = bedrockEvent("messageStop", { stopReason: "end_turn" });
  frame[frame.byteLength - 1] ^= 0xff;
  const decoder = new EventStreamDecoder();
  assert.deepEqual(decoder.push(frame.subarray(0, 20)), []);
  assert.throws(() => decoder.push(frame.subarray(20)), /message checksum/);
});

Deno.test("a message longer than the bound is refused from its prelude", () => {
  const frame = eventStreamMessage({ ":event-type": "big" }, "x".repeat(2000));
  const decoder = new EventStreamDecoder(1024);
  assert.throws(() => decoder.push(frame.subarray(0, 12)), /length 2\d{3} is out of bounds/);
});

Deno.test("a message shorter than a prelude and checksum is refused", () => {
  const prelude = new Uint8Array(12);
  const view = new DataView(prelude.buffer);
  view.setUint32(0, 8);
  view.setUint32(8, crc32(prelude, 0, 8));
  assert.throws(() => new EventStreamDecoder().push(prelude), /out of bounds/);
});

Deno.test("headers longer than the message are refused", () => {
  const prelude = new Uint8Array(12);
  const view = new DataView(prelude.buffer);
  view.setUint32(0, 32);
  view.setUint32(4, 40);
  view.setUint32(8, crc32(prelude, 0, 8));
  assert.throws(() => new EventStreamDecoder().push(prelude), /headers length/);
});

Deno.test("a stream that ends inside a message is an error, not silence", () => {
  const frame = bedrockEvent("messageStart", { role: "assistant" });
  const decoder = new EventStreamDecoder();
  decoder.push(frame.subarray(0, frame.byteLength - 3));
  assert.throws(() => decoder.end(), /ended inside a message/);
});

Deno.test("every header value type is read (bool, byte, short, int, long, bytes, time, uuid)", () => {
  const headers = [
    [1, "t", 0],
    [1, "f", 1],
    [1, "b", 2, 0xff],
    [1, "s", 3, 0x01, 0x02],
    [1, "i", 4, 0, 0, 0x01, 0x00],
    [1, "l", 5, 0, 0, 0, 0, 0, 0, 0, 0x2a],
    [1, "y", 6, 0, 2, 0xde, 0xad],
    [1, "d", 8, 0, 0, 0x01, 0x7f, 0x30, 0x5a, 0x8c, 0x00],
    [1, "u", 9, ...Array.from({ length: 16 }, (_, i) => i)],
  ].flatMap(([length, name, ...rest]) => [
    length as number,
    (name as string).charCodeAt(0),
    ...(rest as number[]),
  ]);
  const headerBytes = new Uint8Array(headers);
  const total = 12 + headerBytes.byteLength + 4;
  const frame = new Uint8Array(total);
  const view = new DataView(frame.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headerBytes.byteLength);
  view.setUint32(8, crc32(frame, 0, 8));
  frame.set(headerBytes, 12);
  view.setUint32(total - 4, crc32(frame, 0, total - 4));
  const [message] = new EventStreamDecoder().push(frame);
  const got = message.headers;
  assert.equal(got.get("t"), true);
  assert.equal(got.get("f"), false);
  assert.equal(got.get("b"), -1);
  assert.equal(got.get("s"), 0x0102);
  assert.equal(got.get("i"), 256);
  assert.equal(got.get("l"), 42n);
  assert.deepEqual(got.get("y"), new Uint8Array([0xde, 0xad]));
  assert.ok(got.get("d") instanceof Date);
  assert.equal(got.get("u"), "000102030405060708090a0b0c0d0e0f");
  assert.equal(message.payload.byteLength, 0);
});

Deno.test("an unknown header type is refused", () => {
  const headerBytes = new Uint8Array([1, 120, 42]);
  const total = 12 + headerBytes.byteLength + 4;
  const frame = new Uint8Array(total);
  const view = new DataView(frame.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headerBytes.byteLength);
  view.setUint32(8, crc32(frame, 0, 8));
  frame.set(headerBytes, 12);
  view.setUint32(total - 4, crc32(frame, 0, total - 4));
  assert.throws(() => new EventStreamDecoder().push(frame), /unknown type 42/);
});

Deno.test("good messages before a bad one in the same read come out; the error follows", () => {
  const good = bedrockEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "ok" } });
  const bad = bedrockEvent("messageStop", { stopReason: "end_turn" });
  bad[bad.byteLength - 2] ^= 0x04;
  const decoder = new EventStreamDecoder();
  assert.equal(decoder.push(concatBytes([good, bad])).length, 1);
  assert.throws(() => decoder.push(new Uint8Array(0)), /message checksum/);
  assert.throws(() => decoder.end(), /message checksum/);
});
