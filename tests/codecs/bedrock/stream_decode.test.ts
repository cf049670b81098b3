import assert from "node:assert/strict";
import { bedrockCodec } from "../../../src/codecs/bedrock/mod.ts";
import { ConverseStreamFrames } from "../../../src/codecs/bedrock/event_frames.ts";
import type { StreamEvent } from "../../../src/codecs/unified.ts";
import { bedrockEvent, bedrockException, concatBytes } from "../../support/aws_event_stream.ts";
import { baseRequest, readFixture, recordedStream } from "./helpers.ts";

/** Bytes through the framing and the decoder, cut into `piece`-byte reads. */
function decode(bytes: Uint8Array, piece = bytes.byteLength): StreamEvent[] {
  const frames = bedrockCodec.createFrameReader!();
  const decoder = bedrockCodec.createStreamDecoder(baseRequest({ stream: true }));
  const out: StreamEvent[] = [];
  for (let at = 0; at < bytes.byteLength; at += piece) {
    for (const event of frames.push(bytes.subarray(at, at + piece))) {
      out.push(...decoder.push(event));
    }
  }
  for (const event of frames.end()) out.push(...decoder.push(event));
  out.push(...decoder.end());
  return out;
}

const types = (events: StreamEvent[]) => events.map((event) => event.type);

Deno.test("recorded reasoning stream: reasoning deltas, signature, text; finish waits for usage", () => {
  for (const piece of [7, 1000, 1 << 20]) {
    const events = decode(recordedStream("bedrock-reasoning.chunks.txt"), piece);
    const reasoning = events.filter((e) => e.type === "reasoning_delta")
      .map((e) => (e as { text: string }).text).join("");
    assert.match(reasoning, /^Let me count the r's in "strawberry"/);
    const signature = events.find((e) => e.type === "reasoning_signature");
    assert.match((signature as { signature: string }).signature, /^Ep0CCkgI/);
    const text = events.filter((e) => e.type === "text_delta")
      .map((e) => (e as { text: string }).text).join("");
    assert.equal(text, 'There are **3** r\'s in "strawberry":\n\n1. st**r**awbe**r****r**y');
    assert.deepEqual(types(events).slice(-2), ["usage", "finish"]);
    assert.deepEqual(events.at(-2), {
      type: "usage",
      usage: { inputTokens: 51, outputTokens: 94, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
    assert.deepEqual(events.at(-1), { type: "finish", stopReason: "end_turn" });
  }
});

Deno.test("recorded tool stream (metadata before messageStop): start, argument pieces, end, tool_use", () => {
  const events = decode(recordedStream("bedrock-tool-call.1.chunks.txt"), 13);
  assert.deepEqual(types(events), [
    "start",
    "tool_call_start",
    "tool_call_delta",
    "tool_call_delta",
    "tool_call_end",
    "usage",
    "finish",
  ]);
  assert.deepEqual(events[1], {
    type: "tool_call_start",
    index: 0,
    id: "tool-use-id",
    name: "test-tool",
  });
  const args = events.filter((e) => e.type === "tool_call_delta")
    .map((e) => (e as { argumentsDelta: string }).argumentsDelta).join("");
  assert.deepEqual(JSON.parse(args), { value: "Sparkle Day" });
  assert.deepEqual(events.at(-1), { type: "finish", stopReason: "tool_use" });
});

Deno.test("a recorded exception frame from Bedrock (real CRCs) becomes an error event", () => {
  const base64 = readFixture("model-stream-error-exception.eventstream.base64.txt").trim();
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  const events = decode(concatBytes([bedrockEvent("messageStart", { role: "assistant" }), bytes]));
  assert.deepEqual(events.at(-1), {
    type: "error",
    error: { kind: "bad_gateway", message: "Model Stream Error", status: 502 },
  });
});

Deno.test("exceptions map to kinds: throttling is a rate limit, validation an invalid request", () => {
  const cases: Array<[string, string, number]> = [
    ["throttlingException", "rate_limit", 429],
    ["validationException", "invalid_request", 400],
    ["internalServerException", "api_error", 500],
    ["serviceUnavailableException", "unavailable", 503],
  ];
  for (const [exception, kind, status] of cases) {
    const events = decode(bedrockException(exception, "nope"));
    assert.deepEqual(events, [{ type: "error", error: { kind, message: "nope", status } }]);
  }
});

Deno.test("a corrupted frame fails the stream instead of passing garbage on", () => {
  const bytes = bedrockEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "hi" } });
  bytes[bytes.byteLength - 6] ^= 0x20;
  assert.throws(() => new ConverseStreamFrames().push(bytes), /checksum/);
});

Deno.test("a stream cut before messageStop ends with an error finish; one cut inside a frame throws", () => {
  const events = decode(concatBytes([
    bedrockEvent("messageStart", { role: "assistant" }),
    bedrockEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "par" } }),
  ]));
  assert.deepEqual(events.at(-1), { type: "finish", stopReason: "error" });
  const frame = bedrockEvent("messageStart", { role: "assistant" });
  assert.throws(() => decode(frame.subarray(0, frame.byteLength - 1)), /inside a message/);
});

Deno.test("cache tokens from metadata are part of the prompt", () => {
  const events = decode(concatBytes([
    bedrockEvent("messageStart", { role: "assistant" }),
    bedrockEvent("messageStop", { stopReason: "max_tokens" }),
    bedrockEvent("metadata", {
      usage: {
        inputTokens: 3,
        outputTokens: 1,
        cacheReadInputTokens: 18639,
        cacheWriteInputTokens: 2,
      },
      metrics: { latencyMs: 1 },
    }),
  ]));
  assert.deepEqual(events.slice(-2), [
    {
      type: "usage",
      usage: { inputTokens: 18644, outputTokens: 1, cacheReadTokens: 18639, cacheWriteTokens: 2 },
    },
    { type: "finish", stopReason: "max_tokens" },
  ]);
});
