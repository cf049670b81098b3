import assert from "node:assert/strict";
import { messagesCodec } from "../../../src/codecs/messages/mod.ts";
import type { StreamEvent } from "../../../src/codecs/unified.ts";
import { parseFrames } from "../helpers.ts";
import { encodeContext } from "./helpers.ts";

function encodeAll(events: StreamEvent[]): { pieces: string[]; text: string } {
  const encoder = messagesCodec.createStreamEncoder(encodeContext());
  const pieces = [...events.map((event) => encoder.push(event)), encoder.end()];
  return { pieces, text: pieces.join("") };
}

const start: StreamEvent = { type: "start", id: "msg_e", model: "alias", created: 1 };

Deno.test("message_start is written with the first event after start, and each delta immediately", () => {
  const encoder = messagesCodec.createStreamEncoder(encodeContext());
  assert.equal(encoder.contentType, "text/event-stream");
  assert.equal(encoder.push(start), "");
  const first = parseFrames(encoder.push({ type: "usage", usage: {} }));
  assert.equal(first[0].event, "message_start");
  const message = first[0].data.message as Record<string, unknown>;
  assert.equal(message.id, "msg_e");
  assert.equal(message.model, "alias");
  const delta = parseFrames(encoder.push({ type: "text_delta", text: "He" }));
  assert.deepEqual(delta.map((frame) => frame.event), [
    "content_block_start",
    "content_block_delta",
  ]);
  assert.deepEqual(delta[1].data.delta, { type: "text_delta", text: "He" });
  assert.deepEqual(parseFrames(encoder.push({ type: "text_delta", text: "llo" }))[0].data, {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: "llo" },
  });
});

Deno.test("message_start reports the input usage that arrives right after start", () => {
  const encoder = messagesCodec.createStreamEncoder(encodeContext());
  encoder.push(start);
  const frames = parseFrames(
    encoder.push({
      type: "usage",
      usage: { inputTokens: 50, cacheReadTokens: 30, outputTokens: 1 },
    }),
  );
  assert.equal(frames[0].event, "message_start");
  const message = frames[0].data.message as { usage: Record<string, number> };
  assert.equal(message.usage.input_tokens, 20);
  assert.equal(message.usage.cache_read_input_tokens, 30);
  assert.equal(message.usage.output_tokens, 1);
  assert.deepEqual(parseFrames(encoder.push({ type: "usage", usage: { outputTokens: 2 } })), []);
});

Deno.test("blocks open and close as the kind of content changes, with rising indexes", () => {
  const { text } = encodeAll([
    start,
    { type: "reasoning_delta", text: "hmm" },
    { type: "reasoning_signature", signature: "SIG" },
    { type: "text_delta", text: "Calling." },
    { type: "tool_call_start", index: 0, id: "c1", name: "f" },
    { type: "tool_call_delta", index: 0, argumentsDelta: '{"a":' },
    { type: "tool_call_delta", index: 0, argumentsDelta: "1}" },
    { type: "tool_call_end", index: 0 },
    { type: "tool_call_start", index: 1, id: "c2", name: "g" },
    { type: "tool_call_end", index: 1 },
    { type: "finish", stopReason: "tool_use" },
  ]);
  const frames = parseFrames(text);
  const summary = frames.map((frame) => {
    const index = frame.data.index === undefined ? "" : `#${frame.data.index}`;
    const block = frame.data.content_block as { type: string } | undefined;
    const delta = frame.data.delta as { type?: string } | undefined;
    return `${frame.event}${index}${block ? ":" + block.type : ""}${
      delta?.type ? ":" + delta.type : ""
    }`;
  });
  assert.deepEqual(summary, [
    "message_start",
    "content_block_start#0:thinking",
    "content_block_delta#0:thinking_delta",
    "content_block_delta#0:signature_delta",
    "content_block_stop#0",
    "content_block_start#1:text",
    "content_block_delta#1:text_delta",
    "content_block_stop#1",
    "content_block_start#2:tool_use",
    "content_block_delta#2:input_json_delta",
    "content_block_delta#2:input_json_delta",
    "content_block_stop#2",
    "content_block_start#3:tool_use",
    // A call without argument deltas still gets a valid empty input.
    "content_block_delta#3:input_json_delta",
    "content_block_stop#3",
    "message_delta",
    "message_stop",
  ]);
  assert.deepEqual(frames[13].data.delta, { type: "input_json_delta", partial_json: "{}" });
  assert.deepEqual(frames[8].data.content_block, {
    type: "tool_use",
    id: "c1",
    name: "f",
    input: {},
  });
});

Deno.test("message_delta carries final input, cache and output usage merged from late events", () => {
  const { text } = encodeAll([
    start,
    { type: "text_delta", text: "x" },
    { type: "usage", usage: { outputTokens: 3 } },
    { type: "finish", stopReason: "max_tokens" },
    // OpenAI-style upstreams report the prompt only at the end, after finish.
    { type: "usage", usage: { inputTokens: 120, cacheReadTokens: 100, outputTokens: 7 } },
  ]);
  const frames = parseFrames(text);
  const delta = frames.find((frame) => frame.event === "message_delta")!;
  assert.deepEqual(delta.data, {
    type: "message_delta",
    delta: { stop_reason: "max_tokens", stop_sequence: null, stop_details: null },
    usage: {
      input_tokens: 20,
      output_tokens: 7,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 100,
    },
  });
  assert.equal(frames[frames.length - 1].event, "message_stop");
});

Deno.test("an error event writes one error frame and nothing after it", () => {
  const { pieces } = encodeAll([
    start,
    { type: "text_delta", text: "partial" },
    { type: "error", error: { kind: "overloaded", message: "busy", status: 529 } },
    { type: "text_delta", text: "late" },
  ]);
  const errorFrames = parseFrames(pieces[2]);
  assert.deepEqual(errorFrames, [{
    event: "error",
    data: { type: "error", error: { type: "overloaded_error", message: "busy" } },
  }]);
  assert.equal(pieces[3], "");
  assert.equal(pieces[4], "");
});

Deno.test("redacted reasoning becomes a complete redacted_thinking block", () => {
  const frames = parseFrames(encodeAll([start, { type: "reasoning_redacted", data: "R" }]).text);
  assert.deepEqual(frames[1].data.content_block, { type: "redacted_thinking", data: "R" });
  assert.equal(frames[2].event, "content_block_stop");
});

Deno.test("content_filter is reported as refusal and a stop sequence is kept", () => {
  const refusal = parseFrames(
    encodeAll([start, { type: "finish", stopReason: "content_filter" }]).text,
  );
  assert.deepEqual(refusal[1].data.delta, {
    stop_reason: "refusal",
    stop_sequence: null,
    stop_details: null,
  });
  const stopped = parseFrames(
    encodeAll([start, { type: "finish", stopReason: "stop_sequence", stopSequence: "##" }]).text,
  );
  assert.deepEqual(stopped[1].data.delta, {
    stop_reason: "stop_sequence",
    stop_sequence: "##",
    stop_details: null,
  });
});

Deno.test("a stream without start still opens with message_start", () => {
  const frames = parseFrames(encodeAll([{ type: "text_delta", text: "x" }]).text);
  assert.equal(frames[0].event, "message_start");
  assert.equal((frames[0].data.message as { id: string }).id, "msg_req_test");
});

Deno.test("message_start names a msg_ id, the model and null stop fields even from an id-less upstream", () => {
  const frames = parseFrames(
    encodeAll([{ type: "start", id: "", model: "", created: 1 }, { type: "text_delta", text: "x" }])
      .text,
  );
  const message = frames[0].data.message as Record<string, unknown>;
  assert.equal(message.id, "msg_req_test");
  assert.equal(message.model, "claude-test");
  assert.equal(message.stop_reason, null);
  assert.equal(message.stop_details, null);
});
