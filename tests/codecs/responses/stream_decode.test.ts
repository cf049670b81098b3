/** Synthetic upstream streams for cases the recordings do not cover. */
import assert from "node:assert/strict";
import { responsesCodec } from "../../../src/codecs/responses/mod.ts";
import { baseRequest, decodeAll, summarize } from "./helpers.ts";

function decode(events: Array<Record<string, unknown>>) {
  const sse = events.map((e, i) => ({
    event: String(e.type),
    data: JSON.stringify({ ...e, sequence_number: i }),
  }));
  return decodeAll(responsesCodec.createStreamDecoder(baseRequest()), sse);
}

const created = {
  type: "response.created",
  response: {
    id: "resp_1",
    model: "gpt-5",
    created_at: 1700000000,
    status: "in_progress",
    output: [],
  },
};
const completed = (usage: unknown = null, status = "completed", reason?: string) => ({
  type: status === "completed" ? "response.completed" : "response.incomplete",
  response: {
    id: "resp_1",
    status,
    incomplete_details: reason ? { reason } : null,
    usage,
    output: [],
  },
});
const fc = (id: string, callId: string, name: string) => ({
  id,
  type: "function_call",
  status: "in_progress",
  arguments: "",
  call_id: callId,
  name,
});

Deno.test("parallel tool calls get indexes 0, 1 and keep arguments split across chunks apart", () => {
  const events = decode([
    created,
    { type: "response.output_item.added", output_index: 0, item: fc("fc_a", "call_a", "f") },
    {
      type: "response.function_call_arguments.delta",
      item_id: "fc_a",
      output_index: 0,
      delta: '{"ci',
    },
    {
      type: "response.function_call_arguments.delta",
      item_id: "fc_a",
      output_index: 0,
      delta: 'ty":"A"}',
    },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { ...fc("fc_a", "call_a", "f"), arguments: '{"city":"A"}' },
    },
    { type: "response.output_item.added", output_index: 1, item: fc("fc_b", "call_b", "f") },
    {
      type: "response.function_call_arguments.delta",
      item_id: "fc_b",
      output_index: 1,
      delta: '{"city":',
    },
    {
      type: "response.function_call_arguments.delta",
      item_id: "fc_b",
      output_index: 1,
      delta: '"B"}',
    },
    {
      type: "response.output_item.done",
      output_index: 1,
      item: { ...fc("fc_b", "call_b", "f"), arguments: '{"city":"B"}' },
    },
    completed({
      input_tokens: 50,
      input_tokens_details: { cached_tokens: 20 },
      output_tokens: 9,
      output_tokens_details: { reasoning_tokens: 0 },
    }),
  ]);
  assert.deepEqual(events[0], { type: "start", id: "resp_1", model: "gpt-5", created: 1700000000 });
  const s = summarize(events);
  assert.deepEqual(s.toolCalls.map((t) => [t.index, t.id, JSON.parse(t.arguments).city, t.ended]), [
    [0, "call_a", "A", true],
    [1, "call_b", "B", true],
  ]);
  assert.equal(s.stopReason, "tool_use");
  assert.equal(s.usage.inputTokens, 50);
  assert.equal(s.usage.cacheReadTokens, 20);
});

Deno.test("arguments sent only in the done events still arrive whole", () => {
  const s = summarize(decode([
    created,
    { type: "response.output_item.added", output_index: 0, item: fc("fc_a", "call_a", "f") },
    {
      type: "response.function_call_arguments.done",
      item_id: "fc_a",
      output_index: 0,
      arguments: '{"q":1}',
    },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { ...fc("fc_a", "call_a", "f"), arguments: '{"q":1}' },
    },
    completed(),
  ]));
  assert.equal(s.toolCalls[0].arguments, '{"q":1}');
});

Deno.test("an incomplete response for content_filter finishes with content_filter", () => {
  const s = summarize(decode([
    created,
    {
      type: "response.output_text.delta",
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      delta: "Hi",
    },
    completed(null, "incomplete", "content_filter"),
  ]));
  assert.equal(s.text, "Hi");
  assert.equal(s.stopReason, "content_filter");
});

Deno.test("a streamed refusal reads as text with stop reason refusal", () => {
  const s = summarize(decode([
    created,
    {
      type: "response.refusal.delta",
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      delta: "I can't",
    },
    completed(),
  ]));
  assert.equal(s.text, "I can't");
  assert.equal(s.stopReason, "refusal");
});

Deno.test("a flat error event becomes one unified error", () => {
  const events = decode([
    created,
    { type: "error", code: "server_error", message: "boom", param: null },
    {
      type: "response.failed",
      response: {
        id: "resp_1",
        status: "failed",
        error: { code: "server_error", message: "boom" },
      },
    },
  ]);
  const errors = events.filter((e) => e.type === "error");
  assert.deepEqual(errors, [{
    type: "error",
    error: { kind: "api_error", message: "boom", status: 500 },
  }]);
  assert.equal(events.some((e) => e.type === "finish"), false);
});

Deno.test("a stream that closes before its terminal event is an upstream error, not a finish", () => {
  const events = decode([
    created,
    { type: "response.output_item.added", output_index: 0, item: fc("fc_a", "call_a", "f") },
    {
      type: "response.function_call_arguments.delta",
      item_id: "fc_a",
      output_index: 0,
      delta: '{"city":',
    },
  ]);
  const last = events[events.length - 1];
  assert.equal(last.type, "error");
  assert.equal(last.type === "error" && last.error.kind, "bad_gateway");
  assert.ok(!events.some((e) => e.type === "finish" || e.type === "tool_call_end"));
});

Deno.test("a stream that closes before any event is an error the gateway can retry", () => {
  const events = decodeAll(responsesCodec.createStreamDecoder(baseRequest()), []);
  assert.deepEqual(events.map((e) => e.type), ["error"]);
});

Deno.test("unknown events and pings are ignored", () => {
  const s = summarize(decode([
    created,
    { type: "response.output_text.annotation.added", annotation: {} },
    { type: "response.web_search_call.searching", output_index: 0 },
    { type: "keepalive" },
    {
      type: "response.output_text.delta",
      item_id: "m",
      output_index: 0,
      content_index: 0,
      delta: "ok",
      obfuscation: "xyz",
    },
    completed(),
  ]));
  assert.equal(s.text, "ok");
  assert.equal(s.stopReason, "end_turn");
});
