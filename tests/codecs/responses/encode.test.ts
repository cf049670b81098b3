/** Inbound answers: the non-streamed response object and the event stream a client reads. */
import assert from "node:assert/strict";
import { responsesCodec } from "../../../src/codecs/responses/mod.ts";
import type { EncodeContext } from "../../../src/codecs/codec.ts";
import type { StreamEvent, UnifiedResponse } from "../../../src/codecs/unified.ts";
import { parseFrames } from "../helpers.ts";
import { baseRequest } from "./helpers.ts";

const ctx: EncodeContext = {
  request: baseRequest({ system: "sys", maxTokens: 50, tools: [] }),
  requestId: "req42",
};

function answer(overrides: Partial<UnifiedResponse> = {}): UnifiedResponse {
  return {
    id: "msg_abc",
    model: "claude-x",
    content: [
      { type: "reasoning", text: "thinking", signature: "sig1" },
      { type: "text", text: "Hello " },
      { type: "text", text: "world" },
      { type: "tool_call", id: "toolu_1", name: "f", arguments: '{"a":1}' },
    ],
    stopReason: "tool_use",
    usage: {
      inputTokens: 100,
      outputTokens: 30,
      cacheReadTokens: 40,
      cacheWriteTokens: 10,
      reasoningTokens: 12,
    },
    created: 1700000000,
    ...overrides,
  };
}

type Json = Record<string, unknown>;

Deno.test("a non-streamed answer has the response object's fields and output items", () => {
  const body = responsesCodec.fromUnifiedResponse(answer(), ctx) as Json;
  assert.equal(body.object, "response");
  assert.match(body.id as string, /^resp_/);
  assert.equal(body.status, "completed");
  assert.equal(body.error, null);
  assert.equal(body.incomplete_details, null);
  assert.equal(body.model, "claude-x");
  assert.equal(body.created_at, 1700000000);
  assert.equal(body.instructions, "sys");
  assert.equal(body.max_output_tokens, 50);
  const output = body.output as Json[];
  assert.deepEqual(output.map((o) => o.type), ["reasoning", "message", "function_call"]);
  assert.deepEqual(output[0].summary, [{ type: "summary_text", text: "thinking" }]);
  assert.equal(output[0].encrypted_content, "plexus.signature.sig1");
  assert.deepEqual(output[1].content, [
    { type: "output_text", text: "Hello ", annotations: [], logprobs: [] },
    { type: "output_text", text: "world", annotations: [], logprobs: [] },
  ]);
  assert.equal(output[1].role, "assistant");
  assert.equal(output[1].status, "completed");
  assert.match(output[1].id as string, /^msg_/);
  assert.equal(output[2].call_id, "toolu_1");
  assert.equal(output[2].arguments, '{"a":1}');
  assert.match(output[2].id as string, /^fc_/);
  assert.deepEqual(body.usage, {
    input_tokens: 100,
    input_tokens_details: { cached_tokens: 40 },
    output_tokens: 30,
    output_tokens_details: { reasoning_tokens: 12 },
    total_tokens: 130,
  });
});

Deno.test("max_tokens and content_filter answers are incomplete with the matching reason", () => {
  const cut = responsesCodec.fromUnifiedResponse(answer({ stopReason: "max_tokens" }), ctx) as Json;
  assert.equal(cut.status, "incomplete");
  assert.deepEqual(cut.incomplete_details, { reason: "max_output_tokens" });
  const filtered = responsesCodec.fromUnifiedResponse(
    answer({ stopReason: "refusal" }),
    ctx,
  ) as Json;
  assert.deepEqual(filtered.incomplete_details, { reason: "content_filter" });
});

Deno.test("an OpenAI reasoning part keeps its rs_ id and encrypted content", () => {
  const body = responsesCodec.fromUnifiedResponse(
    answer({
      content: [{ type: "reasoning", text: "", id: "rs_9", encryptedContent: "gAAA" }],
      stopReason: "end_turn",
    }),
    ctx,
  ) as Json;
  assert.deepEqual(body.output, [{
    type: "reasoning",
    id: "rs_9",
    summary: [],
    encrypted_content: "gAAA",
  }]);
});

function encodeStream(events: StreamEvent[]) {
  const enc = responsesCodec.createStreamEncoder(ctx);
  const pieces = events.map((e) => enc.push(e));
  pieces.push(enc.end());
  return { pieces, frames: parseFrames(pieces.join("")) };
}

const START: StreamEvent = { type: "start", id: "chatcmpl-1", model: "gpt-x", created: 1700000001 };

Deno.test("the stream opens with response.created and in_progress as soon as start arrives", () => {
  const enc = responsesCodec.createStreamEncoder(ctx);
  const first = parseFrames(enc.push(START));
  assert.deepEqual(first.map((f) => f.event), ["response.created", "response.in_progress"]);
  const response = first[0].data.response as Json;
  assert.equal(response.status, "in_progress");
  assert.deepEqual(response.output, []);
  assert.equal(response.model, "gpt-x");
  assert.deepEqual(first.map((f) => f.data.sequence_number), [0, 1]);
});

Deno.test("stream items open and close in the documented event order", () => {
  const { frames, pieces } = encodeStream([
    START,
    { type: "reasoning_delta", text: "Think" },
    { type: "reasoning_delta", text: "ing" },
    { type: "reasoning_signature", signature: "sig" },
    { type: "text_delta", text: "Hi" },
    { type: "text_delta", text: " there" },
    { type: "tool_call_start", index: 0, id: "call_a", name: "f" },
    { type: "tool_call_delta", index: 0, argumentsDelta: '{"x"' },
    { type: "tool_call_delta", index: 0, argumentsDelta: ":1}" },
    { type: "tool_call_end", index: 0 },
    { type: "tool_call_start", index: 1, id: "call_b", name: "g" },
    { type: "tool_call_end", index: 1 },
    { type: "finish", stopReason: "tool_use" },
    { type: "usage", usage: { inputTokens: 10, outputTokens: 5, reasoningTokens: 2 } },
  ]);
  assert.deepEqual(frames.map((f) => f.event), [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.reasoning_summary_part.added",
    "response.reasoning_summary_text.delta",
    "response.reasoning_summary_text.delta",
    "response.reasoning_summary_text.done",
    "response.reasoning_summary_part.done",
    "response.output_item.done",
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.output_item.added",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.output_item.done",
    "response.output_item.added",
    "response.function_call_arguments.done",
    "response.output_item.done",
    "response.completed",
  ]);
  frames.forEach((f, i) => {
    assert.equal(f.data.sequence_number, i);
    assert.equal(f.data.type, f.event);
  });
  // Deltas are written the moment they arrive, never held back.
  assert.match(pieces[4], /output_text\.delta/);
  assert.match(pieces[7], /"delta":"\{\\"x\\""/);
  const textDelta = frames[11].data;
  assert.deepEqual(
    [textDelta.output_index, textDelta.content_index, textDelta.delta, textDelta.logprobs],
    [1, 0, "Hi", []],
  );
  const completed = frames[frames.length - 1].data.response as Json;
  assert.equal(completed.status, "completed");
  const output = completed.output as Json[];
  assert.deepEqual(output.map((o) => o.type), [
    "reasoning",
    "message",
    "function_call",
    "function_call",
  ]);
  assert.equal(output[0].encrypted_content, "plexus.signature.sig");
  assert.deepEqual(output[0].summary, [{ type: "summary_text", text: "Thinking" }]);
  assert.equal((output[1].content as Json[])[0].text, "Hi there");
  assert.equal(output[2].arguments, '{"x":1}');
  assert.equal(output[3].arguments, "{}");
  assert.equal(output[3].call_id, "call_b");
  // Usage that arrived after finish still lands in the terminal event.
  assert.deepEqual(completed.usage, {
    input_tokens: 10,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 5,
    output_tokens_details: { reasoning_tokens: 2 },
    total_tokens: 15,
  });
  // Item ids stay the same from added to done to the final response.
  const added = frames.filter((f) => f.event === "response.output_item.added").map((f) =>
    (f.data.item as Json).id
  );
  assert.deepEqual(added, output.map((o) => o.id));
});

Deno.test("a stream cut by max_tokens ends with response.incomplete and an incomplete message", () => {
  const { frames } = encodeStream([
    START,
    { type: "text_delta", text: "partial" },
    { type: "finish", stopReason: "max_tokens" },
  ]);
  const last = frames[frames.length - 1];
  assert.equal(last.event, "response.incomplete");
  const response = last.data.response as Json;
  assert.equal(response.status, "incomplete");
  assert.deepEqual(response.incomplete_details, { reason: "max_output_tokens" });
  assert.equal((response.output as Json[])[0].status, "incomplete");
});

Deno.test("an error event becomes response.failed and nothing follows it", () => {
  const enc = responsesCodec.createStreamEncoder(ctx);
  enc.push(START);
  enc.push({ type: "text_delta", text: "x" });
  const failed = parseFrames(
    enc.push({ type: "error", error: { kind: "rate_limit", message: "slow down", status: 429 } }),
  );
  assert.equal(failed.length, 1);
  assert.equal(failed[0].event, "response.failed");
  const response = failed[0].data.response as Json;
  assert.equal(response.status, "failed");
  assert.deepEqual(response.error, { code: "rate_limit_exceeded", message: "slow down" });
  assert.equal(enc.push({ type: "text_delta", text: "more" }), "");
  assert.equal(enc.end(), "");
});

Deno.test("encrypted reasoning without visible text is one complete reasoning item", () => {
  const { frames } = encodeStream([
    START,
    { type: "reasoning_encrypted", id: "rs_up", encryptedContent: "gAAA" },
    { type: "text_delta", text: "ok" },
    { type: "finish", stopReason: "end_turn" },
  ]);
  const added = frames[2].data.item as Json;
  assert.deepEqual(added, { type: "reasoning", id: "rs_up", summary: [] });
  const done = frames[3];
  assert.equal(done.event, "response.output_item.done");
  assert.deepEqual(done.data.item, {
    type: "reasoning",
    id: "rs_up",
    summary: [],
    encrypted_content: "gAAA",
  });
});

Deno.test("arguments that arrive after their call was closed empty complete it as valid JSON", () => {
  // Synthetic: a chat upstream announcing both parallel calls before either call's arguments.
  const { frames } = encodeStream([
    START,
    { type: "tool_call_start", index: 0, id: "call_a", name: "f" },
    { type: "tool_call_start", index: 1, id: "call_b", name: "g" },
    { type: "tool_call_delta", index: 0, argumentsDelta: '{"a":' },
    { type: "tool_call_delta", index: 0, argumentsDelta: "1}" },
    { type: "tool_call_delta", index: 1, argumentsDelta: '{"b":2}' },
    { type: "finish", stopReason: "tool_use" },
  ]);
  const completed = frames[frames.length - 1].data.response as Json;
  const args = (completed.output as Json[]).map((item) => JSON.parse(String(item.arguments)));
  assert.deepEqual(args, [{ a: 1 }, { b: 2 }]);
});
