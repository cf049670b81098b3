import assert from "node:assert/strict";
import { geminiCodec } from "../../../src/codecs/gemini/mod.ts";
import type { StreamEncoder } from "../../../src/codecs/codec.ts";
import type { StreamEvent } from "../../../src/codecs/unified.ts";
import { baseRequest } from "./helpers.ts";

const START: StreamEvent = { type: "start", id: "resp-1", model: "shown-model", created: 1 };

function encoder(sse: boolean): StreamEncoder {
  return geminiCodec.createStreamEncoder({ request: baseRequest(), requestId: "req-1", sse });
}

function sseChunks(text: string): unknown[] {
  return text.split("\n\n").filter((frame) => frame !== "").map((frame) => {
    assert.ok(frame.startsWith("data: "), frame);
    return JSON.parse(frame.slice("data: ".length));
  });
}

Deno.test("with alt=sse every text delta is written at once as its own data frame", () => {
  const enc = encoder(true);
  assert.equal(enc.contentType, "text/event-stream");
  assert.equal(enc.push(START), "");
  const frame = enc.push({ type: "text_delta", text: "Hel" });
  assert.deepEqual(sseChunks(frame), [{
    candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] }, index: 0 }],
    modelVersion: "shown-model",
    responseId: "resp-1",
  }]);
});

Deno.test("the last chunk carries the finish reason and usage merged across events", () => {
  const enc = encoder(true);
  let out = enc.push(START);
  out += enc.push({ type: "usage", usage: { inputTokens: 10, outputTokens: 1 } });
  out += enc.push({ type: "text_delta", text: "x" });
  out += enc.push({ type: "finish", stopReason: "max_tokens" });
  assert.equal(enc.push({ type: "usage", usage: { outputTokens: 7, reasoningTokens: 2 } }), "");
  out += enc.end();
  const chunks = sseChunks(out) as Array<Record<string, unknown>>;
  assert.equal(chunks.length, 2);
  assert.deepEqual(chunks[1], {
    candidates: [{
      content: { role: "model", parts: [{ text: "" }] },
      finishReason: "MAX_TOKENS",
      index: 0,
    }],
    usageMetadata: {
      promptTokenCount: 10,
      candidatesTokenCount: 5,
      totalTokenCount: 17,
      thoughtsTokenCount: 2,
    },
    modelVersion: "shown-model",
    responseId: "resp-1",
  });
});

Deno.test("tool call arguments streamed in pieces arrive whole as one functionCall part", () => {
  const enc = encoder(true);
  enc.push(START);
  assert.equal(
    enc.push({ type: "tool_call_start", index: 0, id: "c", name: "f", signature: "S" }),
    "",
  );
  assert.equal(enc.push({ type: "tool_call_delta", index: 0, argumentsDelta: '{"ci' }), "");
  assert.equal(enc.push({ type: "tool_call_delta", index: 0, argumentsDelta: 'ty":"A"}' }), "");
  const frame = enc.push({ type: "tool_call_end", index: 0 });
  const [chunk] = sseChunks(frame) as Array<{ candidates: Array<{ content: { parts: unknown } }> }>;
  assert.deepEqual(chunk.candidates[0].content.parts, [
    { functionCall: { name: "f", args: { city: "A" }, id: "c" }, thoughtSignature: "S" },
  ]);
});

Deno.test("without alt=sse the body is one JSON array opened at start and closed at end", () => {
  const enc = encoder(false);
  assert.equal(enc.contentType, "application/json");
  const pieces = [
    enc.push(START),
    enc.push({ type: "text_delta", text: "a" }),
    enc.push({ type: "text_delta", text: "b" }),
    enc.push({ type: "finish", stopReason: "end_turn" }),
    enc.end(),
  ];
  assert.equal(pieces[0], "[");
  assert.ok(pieces[2].startsWith(",\r\n"));
  const body = JSON.parse(pieces.join("")) as Array<Record<string, unknown>>;
  assert.equal(body.length, 3);
  assert.equal(
    (body[2].candidates as Array<{ finishReason: string }>)[0].finishReason,
    "STOP",
  );
});

Deno.test("an empty JSON-array stream is still a valid array", () => {
  const enc = encoder(false);
  const text = enc.push(START) + enc.end();
  const body = JSON.parse(text) as unknown[];
  assert.equal(body.length, 1);
  const bare = encoder(false);
  assert.ok(Array.isArray(JSON.parse(bare.end())));
});

Deno.test("an error event writes a Gemini error chunk and the stream ends properly closed", () => {
  for (const sse of [true, false]) {
    const enc = encoder(sse);
    let out: string = enc.push(START) + enc.push({ type: "text_delta", text: "a" });
    out += enc.push({
      type: "error",
      error: { kind: "overloaded", message: "busy", status: 529 },
    });
    assert.equal(enc.push({ type: "text_delta", text: "more" }), "");
    out += enc.end();
    const chunks: unknown[] = sse ? sseChunks(out) : JSON.parse(out);
    assert.equal(chunks.length, 2);
    assert.deepEqual(chunks[1], { error: { code: 529, message: "busy", status: "UNAVAILABLE" } });
  }
});

Deno.test("reasoning streams as thought parts and its signature follows on an empty thought part", () => {
  const enc = encoder(true);
  enc.push(START);
  const out = enc.push({ type: "reasoning_delta", text: "hmm" }) +
    enc.push({ type: "reasoning_signature", signature: "RS" }) +
    enc.push({ type: "text_signature", signature: "TS" });
  const parts = (sseChunks(out) as Array<{ candidates: Array<{ content: { parts: unknown[] } }> }>)
    .map((chunk) => chunk.candidates[0].content.parts[0]);
  assert.deepEqual(parts, [
    { text: "hmm", thought: true },
    { text: "", thought: true, thoughtSignature: "RS" },
    { text: "", thoughtSignature: "TS" },
  ]);
});
