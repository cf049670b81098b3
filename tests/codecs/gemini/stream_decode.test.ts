/** Streams built from the documented chunk shape, for cases no recording covers. */
import assert from "node:assert/strict";
import { geminiCodec } from "../../../src/codecs/gemini/mod.ts";
import type { StreamEvent } from "../../../src/codecs/unified.ts";
import { decodePieces } from "../helpers.ts";
import { baseRequest } from "./helpers.ts";

function frames(...chunks: unknown[]): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("");
}

function decode(...chunks: unknown[]): StreamEvent[] {
  return decodePieces(geminiCodec.createStreamDecoder(baseRequest({ stream: true })), [
    frames(...chunks),
  ]);
}

const parts = (list: unknown[], extra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: "model", parts: list }, index: 0, ...extra }],
  modelVersion: "gemini-2.5-flash",
  responseId: "r1",
});

Deno.test("the first chunk starts the stream with Gemini's response id and model version", () => {
  const events = decode(parts([{ text: "a" }]), parts([{ text: "b" }], { finishReason: "STOP" }));
  const start = events[0];
  assert.equal(start.type, "start");
  if (start.type === "start") {
    assert.equal(start.id, "r1");
    assert.equal(start.model, "gemini-2.5-flash");
    assert.ok(start.created > 1_600_000_000);
  }
  assert.deepEqual(events.slice(1), [
    { type: "text_delta", text: "a" },
    { type: "text_delta", text: "b" },
    { type: "finish", stopReason: "end_turn" },
  ]);
});

Deno.test("parallel calls in one chunk are numbered 0, 1 and each arrives whole (synthetic)", () => {
  const events = decode(
    parts([
      { functionCall: { name: "a", args: { x: 1 } }, thoughtSignature: "S" },
      { functionCall: { name: "b", args: {} } },
    ]),
    parts([{ text: "" }], { finishReason: "STOP" }),
  );
  assert.deepEqual(events.slice(1), [
    { type: "tool_call_start", index: 0, id: "call_r1_0", name: "a", signature: "S" },
    { type: "tool_call_delta", index: 0, argumentsDelta: '{"x":1}' },
    { type: "tool_call_end", index: 0 },
    { type: "tool_call_start", index: 1, id: "call_r1_1", name: "b" },
    { type: "tool_call_delta", index: 1, argumentsDelta: "{}" },
    { type: "tool_call_end", index: 1 },
    { type: "finish", stopReason: "tool_use" },
  ]);
});

Deno.test("usage in every chunk is reported each time; the last one is final", () => {
  const events = decode(
    { ...parts([{ text: "a" }]), usageMetadata: { promptTokenCount: 5, thoughtsTokenCount: 3 } },
    {
      ...parts([{ text: "b" }], { finishReason: "MAX_TOKENS" }),
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, thoughtsTokenCount: 3 },
    },
  );
  const usages = events.filter((event) => event.type === "usage");
  assert.equal(usages.length, 2);
  const last = usages[1];
  if (last.type === "usage") {
    assert.equal(last.usage.inputTokens, 5);
    assert.equal(last.usage.outputTokens, 5);
    assert.equal(last.usage.reasoningTokens, 3);
  }
  assert.deepEqual(events[events.length - 1], { type: "finish", stopReason: "max_tokens" });
});

Deno.test("thought text streams as reasoning; a signature on an empty part signs what came before", () => {
  const events = decode(
    parts([{ text: "hmm", thought: true }]),
    parts([{ text: "", thought: true, thoughtSignature: "RS" }]),
    parts([{ text: "ok" }]),
    parts([{ text: "", thoughtSignature: "TS" }], { finishReason: "STOP" }),
  );
  assert.deepEqual(events.slice(1), [
    { type: "reasoning_delta", text: "hmm" },
    { type: "reasoning_signature", signature: "RS", family: "gemini" },
    { type: "text_delta", text: "ok" },
    { type: "text_signature", signature: "TS" },
    { type: "finish", stopReason: "end_turn" },
  ]);
});

Deno.test("an error chunk mid-stream becomes an error event and nothing follows", () => {
  const events = decode(
    parts([{ text: "a" }]),
    { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
    parts([{ text: "late" }], { finishReason: "STOP" }),
  );
  assert.deepEqual(events.slice(1), [
    { type: "text_delta", text: "a" },
    {
      type: "error",
      error: { kind: "unavailable", message: "The model is overloaded.", status: 503 },
    },
  ]);
});

Deno.test("a stream that closes without a finish reason is an upstream error, not a finish", () => {
  const events = decode(parts([{ functionCall: { name: "f", args: {} } }]));
  const last = events[events.length - 1];
  assert.equal(last.type, "error");
  assert.equal(last.type === "error" && last.error.kind, "bad_gateway");
  assert.ok(!events.some((event) => event.type === "finish"));
});

Deno.test("a stream that closes before its first chunk is an error the gateway can retry", () => {
  assert.deepEqual(
    geminiCodec.createStreamDecoder(baseRequest()).end().map((event) => event.type),
    ["error"],
  );
});

Deno.test("lines that are not JSON are ignored", () => {
  const decoder = geminiCodec.createStreamDecoder(baseRequest());
  assert.deepEqual(decoder.push({ data: "keep-alive" }), []);
  const events = decoder.push({ data: JSON.stringify(parts([{ text: "x" }])) });
  assert.equal(events[0].type, "start");
});

Deno.test("a response without responseId gets an invented stream id", () => {
  const events = decode({ candidates: [{ content: { parts: [{ text: "x" }] } }] });
  const start = events[0];
  assert.ok(start.type === "start" && start.id.length > 8);
  assert.ok(start.type === "start" && start.model === "gemini-2.5-flash");
});
