import assert from "node:assert/strict";
import { messagesCodec } from "../../../src/codecs/messages/mod.ts";
import type { UnifiedResponse } from "../../../src/codecs/unified.ts";
import { GatewayError } from "../../../src/codecs/unified.ts";
import { baseRequest, encodeContext } from "./helpers.ts";

function unifiedResponse(overrides: Partial<UnifiedResponse> = {}): UnifiedResponse {
  return {
    id: "msg_1",
    model: "my-alias",
    content: [{ type: "text", text: "hello" }],
    stopReason: "end_turn",
    usage: {
      inputTokens: 100,
      outputTokens: 20,
      cacheReadTokens: 60,
      cacheWriteTokens: 10,
      reasoningTokens: 5,
    },
    created: 1,
    ...overrides,
  };
}

Deno.test("an answer is rendered as a full Message object with Anthropic usage semantics", () => {
  const body = messagesCodec.fromUnifiedResponse(unifiedResponse(), encodeContext());
  assert.deepEqual(body, {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "my-alias",
    content: [{ type: "text", text: "hello" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    stop_details: null,
    // input_tokens excludes the 60 read from and 10 written to the cache.
    usage: {
      input_tokens: 30,
      output_tokens: 20,
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 60,
      output_tokens_details: { thinking_tokens: 5 },
    },
  });
});

Deno.test("an answer from another API gets a msg_ id, and one without an id or model gets the gateway's", () => {
  const foreign = messagesCodec.fromUnifiedResponse(
    unifiedResponse({ id: "chatcmpl-9" }),
    encodeContext(),
  ) as { id: string };
  assert.equal(foreign.id, "msg_chatcmpl-9");
  const blank = messagesCodec.fromUnifiedResponse(
    unifiedResponse({ id: "", model: "" }),
    encodeContext(),
  ) as { id: string; model: string };
  assert.equal(blank.id, "msg_req_test");
  assert.equal(blank.model, "claude-test");
});

Deno.test("tool calls, signed and redacted reasoning render as their blocks", () => {
  const body = messagesCodec.fromUnifiedResponse(
    unifiedResponse({
      content: [
        { type: "reasoning", text: "think", signature: "S" },
        { type: "reasoning", text: "", redactedData: "R" },
        { type: "reasoning", text: "", encryptedContent: "openai-only" },
        { type: "tool_call", id: "call_1", name: "f", arguments: '{"a":[1]}' },
        { type: "tool_call", id: "call_2", name: "g", arguments: "" },
      ],
      stopReason: "tool_use",
    }),
    encodeContext(),
  ) as { content: unknown[]; stop_reason: string };
  assert.deepEqual(body.content, [
    { type: "thinking", thinking: "think", signature: "S" },
    { type: "redacted_thinking", data: "R" },
    { type: "tool_use", id: "call_1", name: "f", input: { a: [1] } },
    { type: "tool_use", id: "call_2", name: "g", input: {} },
  ]);
  assert.equal(body.stop_reason, "tool_use");
});

Deno.test("stop reasons: content_filter becomes refusal and a stop sequence is reported", () => {
  const filtered = messagesCodec.fromUnifiedResponse(
    unifiedResponse({ stopReason: "content_filter" }),
    encodeContext(),
  ) as Record<string, unknown>;
  assert.equal(filtered.stop_reason, "refusal");
  const stopped = messagesCodec.fromUnifiedResponse(
    unifiedResponse({ stopReason: "stop_sequence", stopSequence: "###" }),
    encodeContext(),
  ) as Record<string, unknown>;
  assert.equal(stopped.stop_reason, "stop_sequence");
  assert.equal(stopped.stop_sequence, "###");
});

Deno.test("an upstream answer with a stop sequence, cache counts and unknown blocks decodes", () => {
  const res = messagesCodec.toUnifiedResponse({
    id: "msg_9",
    type: "message",
    role: "assistant",
    model: "claude-x",
    content: [
      { type: "server_tool_use", id: "srv", name: "web_search", input: {} },
      { type: "text", text: "done", citations: [] },
      { type: "redacted_thinking", data: "ZZ" },
    ],
    stop_reason: "stop_sequence",
    stop_sequence: "END",
    usage: {
      input_tokens: 5,
      output_tokens: 7,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 50,
    },
  }, baseRequest());
  assert.deepEqual(res.content, [
    { type: "text", text: "done" },
    { type: "reasoning", text: "", redactedData: "ZZ" },
  ]);
  assert.equal(res.stopReason, "stop_sequence");
  assert.equal(res.stopSequence, "END");
  assert.deepEqual(res.usage, {
    inputTokens: 155,
    outputTokens: 7,
    cacheReadTokens: 100,
    cacheWriteTokens: 50,
    reasoningTokens: 0,
  });
});

Deno.test("refusal and pause_turn stop reasons are kept", () => {
  for (const reason of ["refusal", "pause_turn"] as const) {
    const res = messagesCodec.toUnifiedResponse(
      { id: "m", model: "c", content: [], stop_reason: reason, usage: {} },
      baseRequest(),
    );
    assert.equal(res.stopReason, reason);
  }
});

Deno.test("the forced json_response tool call comes back as text that ends the turn", () => {
  const request = baseRequest({
    responseFormat: { type: "json_schema", name: "r", schema: { type: "object" } },
  });
  const res = messagesCodec.toUnifiedResponse({
    id: "m",
    model: "c",
    content: [{ type: "tool_use", id: "t", name: "json_response", input: { answer: 42 } }],
    stop_reason: "tool_use",
    usage: { input_tokens: 1, output_tokens: 2 },
  }, request);
  assert.deepEqual(res.content, [{ type: "text", text: '{"answer":42}' }]);
  assert.equal(res.stopReason, "end_turn");
});

Deno.test("a body that is not a message is a bad gateway error", () => {
  assert.throws(
    () => messagesCodec.toUnifiedResponse({ hello: 1 }, baseRequest()),
    (error: unknown) => error instanceof GatewayError && error.status === 502,
  );
});
