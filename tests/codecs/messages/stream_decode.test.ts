import assert from "node:assert/strict";
import { messagesCodec } from "../../../src/codecs/messages/mod.ts";
import type { StreamEvent } from "../../../src/codecs/unified.ts";
import { baseRequest, foldEvents } from "./helpers.ts";

/** Synthetic Anthropic events (documented shapes; no recording has these cases). */
function sse(...events: Array<Record<string, unknown>>): Array<{ event: string; data: string }> {
  return events.map((data) => ({ event: String(data.type), data: JSON.stringify(data) }));
}

function decodeAll(
  events: Array<{ event: string; data: string }>,
  request = baseRequest(),
): StreamEvent[] {
  const decoder = messagesCodec.createStreamDecoder(request);
  return [...events.flatMap((event) => decoder.push(event)), ...decoder.end()];
}

const messageStart = {
  type: "message_start",
  message: {
    id: "msg_s",
    model: "claude-s",
    usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 },
  },
};

Deno.test("an error event mid-stream becomes a unified error and nothing follows", () => {
  const events = decodeAll(sse(
    messageStart,
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
    { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
  ));
  const last = events[events.length - 1];
  assert.deepEqual(last, {
    type: "error",
    error: { kind: "overloaded", message: "Overloaded", status: 529 },
  });
  assert.equal(events.filter((event) => event.type === "finish").length, 0);
});

Deno.test("pings, unknown events, server tool blocks and citation deltas are tolerated", () => {
  const folded = foldEvents(decodeAll(sse(
    messageStart,
    { type: "ping" },
    { type: "content_block_start", index: 0, content_block: { type: "server_tool_use", id: "s" } },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: "{" },
    },
    { type: "content_block_stop", index: 0 },
    { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 1, delta: { type: "citations_delta", citation: {} } },
    { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "ok" } },
    { type: "content_block_stop", index: 1 },
    { type: "brand_new_event", whatever: true },
    {
      type: "message_delta",
      delta: { stop_reason: "stop_sequence", stop_sequence: "STOP" },
      usage: { output_tokens: 9 },
    },
    { type: "message_stop" },
  )));
  assert.deepEqual(folded.content, [{ type: "text", text: "ok" }]);
  assert.equal(folded.stopReason, "stop_sequence");
  assert.equal(folded.stopSequence, "STOP");
  // message_delta without input counts keeps those from message_start.
  assert.equal(folded.usage.inputTokens, 15);
  assert.equal(folded.usage.cacheReadTokens, 5);
  assert.equal(folded.usage.outputTokens, 9);
});

Deno.test("redacted thinking streams as one reasoning_redacted event", () => {
  const events = decodeAll(sse(
    messageStart,
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "redacted_thinking", data: "OPAQUE" },
    },
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } },
  ));
  assert.deepEqual(events.filter((event) => event.type === "reasoning_redacted"), [
    { type: "reasoning_redacted", data: "OPAQUE" },
  ]);
});

Deno.test("a structured-output tool call streams back as text and ends the turn", () => {
  const request = baseRequest({
    responseFormat: { type: "json_schema", name: "r", schema: { type: "object" } },
  });
  const events = decodeAll(
    sse(
      messageStart,
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "t", name: "json_response", input: {} },
      },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: '{"a":' },
      },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: "1}" },
      },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 4 } },
    ),
    request,
  );
  assert.equal(events.some((event) => event.type.startsWith("tool_call")), false);
  const folded = foldEvents(events);
  assert.deepEqual(folded.content, [{ type: "text", text: '{"a":1}' }]);
  assert.equal(folded.stopReason, "end_turn");
});

Deno.test("a stream cut off before message_delta closes open tool calls and finishes as error", () => {
  const events = decodeAll(sse(
    messageStart,
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", id: "t1", name: "f", input: {} },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: "{}" },
    },
  ));
  assert.deepEqual(events.slice(-2), [
    { type: "tool_call_end", index: 0 },
    { type: "finish", stopReason: "error" },
  ]);
});

Deno.test("a stream that closes before any event yields an error, not an empty answer", () => {
  const events = decodeAll([]);
  assert.equal(events.length, 1);
  assert.equal(events[0].type, "error");
});

Deno.test("start carries the upstream id and model and comes first", () => {
  const events = decodeAll(sse(messageStart));
  assert.equal(events[0].type, "start");
  if (events[0].type === "start") {
    assert.equal(events[0].id, "msg_s");
    assert.equal(events[0].model, "claude-s");
    assert.ok(events[0].created > 1_600_000_000);
  }
});
