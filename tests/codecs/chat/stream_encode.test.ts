import assert from "node:assert/strict";
import { createStreamEncoder } from "../../../src/codecs/chat/stream_encode.ts";
import type { StreamEvent } from "../../../src/codecs/unified.ts";
import { encodeContext, framePayloads } from "./helpers.ts";

const start: StreamEvent = { type: "start", id: "chatcmpl-x", model: "m", created: 1_750_000_000 };

function encodeAll(events: StreamEvent[], includeUsage = false): string {
  const encoder = createStreamEncoder(encodeContext({ includeUsage }));
  return events.map((ev) => encoder.push(ev)).join("") + encoder.end();
}

type Chunk = {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>;
  usage?: Record<string, unknown>;
};

Deno.test("the opening chunk is written as soon as start arrives", () => {
  const encoder = createStreamEncoder(encodeContext());
  assert.equal(encoder.contentType, "text/event-stream");
  const frame = encoder.push(start);
  assert.ok(frame.startsWith("data: ") && frame.endsWith("\n\n"));
  assert.deepEqual(framePayloads(frame), [{
    id: "chatcmpl-x",
    object: "chat.completion.chunk",
    created: 1_750_000_000,
    model: "m",
    choices: [{
      index: 0,
      delta: { role: "assistant", content: "" },
      logprobs: null,
      finish_reason: null,
    }],
  }]);
});

Deno.test("every text and reasoning delta is written immediately", () => {
  const encoder = createStreamEncoder(encodeContext());
  encoder.push(start);
  const text = framePayloads(encoder.push({ type: "text_delta", text: "Hel" })) as Chunk[];
  assert.deepEqual(text[0].choices[0].delta, { content: "Hel" });
  const thought = framePayloads(encoder.push({ type: "reasoning_delta", text: "hmm" })) as Chunk[];
  assert.deepEqual(thought[0].choices[0].delta, { reasoning_content: "hmm" });
});

Deno.test("tool calls open with id and name, then stream their arguments by index", () => {
  const chunks = framePayloads(encodeAll([
    start,
    { type: "tool_call_start", index: 0, id: "call_a", name: "weather" },
    { type: "tool_call_delta", index: 0, argumentsDelta: '{"city":' },
    { type: "tool_call_delta", index: 0, argumentsDelta: '"Oslo"}' },
    { type: "tool_call_end", index: 0 },
    { type: "tool_call_start", index: 1, id: "call_b", name: "time" },
    { type: "tool_call_delta", index: 1, argumentsDelta: "{}" },
    { type: "tool_call_end", index: 1 },
    { type: "finish", stopReason: "tool_use" },
  ])) as Chunk[];
  const deltas = chunks.slice(1).map((c) => c.choices[0].delta);
  assert.deepEqual(deltas, [
    {
      tool_calls: [{
        index: 0,
        id: "call_a",
        type: "function",
        function: { name: "weather", arguments: "" },
      }],
    },
    { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
    { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] },
    {
      tool_calls: [{
        index: 1,
        id: "call_b",
        type: "function",
        function: { name: "time", arguments: "" },
      }],
    },
    { tool_calls: [{ index: 1, function: { arguments: "{}" } }] },
    {},
  ]);
  assert.equal(chunks.at(-1)?.choices[0].finish_reason, "tool_calls");
});

Deno.test("usage arriving after finish lands in the final usage chunk, then [DONE]", () => {
  const wire = encodeAll([
    start,
    { type: "text_delta", text: "Hi" },
    { type: "usage", usage: { inputTokens: 100, cacheReadTokens: 40 } },
    { type: "finish", stopReason: "end_turn" },
    { type: "usage", usage: { outputTokens: 7, reasoningTokens: 2 } },
    { type: "usage", usage: { inputTokens: 120 } },
  ], true);
  assert.ok(wire.endsWith("data: [DONE]\n\n"));
  const chunks = framePayloads(wire) as Chunk[];
  const last = chunks.at(-1)!;
  assert.deepEqual(last.choices, []);
  assert.deepEqual(last.usage, {
    prompt_tokens: 120,
    completion_tokens: 7,
    total_tokens: 127,
    prompt_tokens_details: { cached_tokens: 40 },
    completion_tokens_details: { reasoning_tokens: 2 },
  });
  assert.equal(chunks.at(-2)?.choices[0].finish_reason, "stop");
});

Deno.test("no usage chunk unless the client asked for one", () => {
  const chunks = framePayloads(encodeAll([
    start,
    { type: "usage", usage: { inputTokens: 1 } },
    { type: "finish", stopReason: "end_turn" },
  ])) as Chunk[];
  assert.ok(chunks.every((c) => c.usage === undefined));
});

Deno.test("reasoning signatures and opaque reasoning travel in reasoning_details", () => {
  const chunks = framePayloads(encodeAll([
    start,
    { type: "reasoning_delta", text: "think" },
    { type: "reasoning_signature", signature: "sig-9" },
    { type: "reasoning_redacted", data: "blob" },
    { type: "reasoning_encrypted", id: "rs_1", encryptedContent: "gAAA" },
    { type: "finish", stopReason: "end_turn" },
  ])) as Chunk[];
  assert.deepEqual(chunks.slice(2, -1).map((c) => c.choices[0].delta), [
    { reasoning_details: [{ type: "reasoning.text", text: "", signature: "sig-9" }] },
    {
      reasoning_details: [{
        type: "reasoning.encrypted",
        data: "blob",
        format: "anthropic-claude-v1",
      }],
    },
    {
      reasoning_details: [{
        type: "reasoning.encrypted",
        data: "gAAA",
        id: "rs_1",
        format: "openai-responses-v1",
      }],
    },
  ]);
});

Deno.test("an error event writes an OpenAI error frame and nothing after it", () => {
  const encoder = createStreamEncoder(encodeContext({ includeUsage: true }));
  encoder.push(start);
  const frame = encoder.push({
    type: "error",
    error: { kind: "overloaded", message: "Overloaded", status: 529 },
  });
  assert.deepEqual(framePayloads(frame), [{
    error: { message: "Overloaded", type: "server_error", code: null },
  }]);
  assert.equal(encoder.push({ type: "text_delta", text: "late" }), "");
  assert.equal(encoder.end(), "");
});

Deno.test("a stream that ends without finish still closes with a finish_reason chunk before [DONE]", () => {
  // The OpenAI SDK's stream helper rejects a stream without one ("missing finish_reason").
  const text = encodeAll([start, { type: "text_delta", text: "cut" }], true);
  const chunks = framePayloads(text) as Chunk[];
  const finishes = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason))
    .filter((reason) => reason !== null);
  assert.deepEqual(finishes, ["stop"]);
  assert.ok(text.endsWith("data: [DONE]\n\n"));
  const empty = framePayloads(encodeAll([])) as Chunk[];
  assert.deepEqual(empty[0].choices[0].delta, { role: "assistant", content: "" });
  assert.equal(empty[empty.length - 1].choices[0].finish_reason, "stop");
});

Deno.test("a finish is written once even if end() follows it", () => {
  const chunks = framePayloads(
    encodeAll([start, { type: "finish", stopReason: "tool_use" }]),
  ) as Chunk[];
  const finishes = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason))
    .filter((reason) => reason !== null);
  assert.deepEqual(finishes, ["tool_calls"]);
});

Deno.test("content before start still gets an opening chunk with the gateway id", () => {
  const chunks = framePayloads(encodeAll([{ type: "text_delta", text: "x" }])) as Chunk[];
  assert.equal(chunks[0].id, "req_test");
  assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "" });
  assert.deepEqual(chunks[1].choices[0].delta, { content: "x" });
});
