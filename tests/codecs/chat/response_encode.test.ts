import assert from "node:assert/strict";
import { fromUnifiedResponse } from "../../../src/codecs/chat/response_encode.ts";
import type { UnifiedResponse } from "../../../src/codecs/unified.ts";
import { encodeContext } from "./helpers.ts";

function response(overrides: Partial<UnifiedResponse> = {}): UnifiedResponse {
  return {
    id: "msg_1",
    model: "claude-sonnet-4",
    content: [{ type: "text", text: "Hello." }],
    stopReason: "end_turn",
    usage: {
      inputTokens: 1200,
      outputTokens: 80,
      cacheReadTokens: 1000,
      cacheWriteTokens: 0,
      reasoningTokens: 30,
    },
    created: 1_750_000_000,
    ...overrides,
  };
}

Deno.test("a text answer has every field the OpenAI SDK expects", () => {
  const body = fromUnifiedResponse(response(), encodeContext());
  assert.deepEqual(body, {
    id: "msg_1",
    object: "chat.completion",
    created: 1_750_000_000,
    model: "claude-sonnet-4",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "Hello.", refusal: null },
      logprobs: null,
      finish_reason: "stop",
    }],
    usage: {
      prompt_tokens: 1200,
      completion_tokens: 80,
      total_tokens: 1280,
      prompt_tokens_details: { cached_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 30 },
    },
  });
});

Deno.test("tool calls come back with content null and finish_reason tool_calls", () => {
  const body = fromUnifiedResponse(
    response({
      content: [
        { type: "tool_call", id: "toolu_1", name: "weather", arguments: '{"city":"Oslo"}' },
        { type: "tool_call", id: "toolu_2", name: "time", arguments: "{}" },
      ],
      stopReason: "tool_use",
    }),
    encodeContext(),
  );
  const [choice] = body.choices;
  assert.equal(choice.finish_reason, "tool_calls");
  assert.equal(choice.message.content, null);
  assert.deepEqual(choice.message.tool_calls, [
    {
      id: "toolu_1",
      type: "function",
      function: { name: "weather", arguments: '{"city":"Oslo"}' },
    },
    { id: "toolu_2", type: "function", function: { name: "time", arguments: "{}" } },
  ]);
});

Deno.test("signed thinking reaches a chat client as reasoning_content and reasoning_details", () => {
  const body = fromUnifiedResponse(
    response({
      content: [
        { type: "reasoning", text: "Think.", signature: "sig==" },
        { type: "text", text: "Done." },
      ],
    }),
    encodeContext(),
  );
  const { message } = body.choices[0];
  assert.equal(message.reasoning_content, "Think.");
  assert.deepEqual(message.reasoning_details, [
    { type: "reasoning.text", text: "Think.", signature: "sig==" },
  ]);
  assert.equal(message.content, "Done.");
});

Deno.test("stop reasons map to finish reasons", () => {
  const cases: Array<[UnifiedResponse["stopReason"], string]> = [
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["tool_use", "tool_calls"],
    ["content_filter", "content_filter"],
    ["refusal", "content_filter"],
  ];
  for (const [stopReason, finish] of cases) {
    const body = fromUnifiedResponse(response({ stopReason }), encodeContext());
    assert.equal(body.choices[0].finish_reason, finish, stopReason);
  }
});

Deno.test("a refusal puts its text in message.refusal with content null", () => {
  const body = fromUnifiedResponse(
    response({ content: [{ type: "text", text: "I can't help." }], stopReason: "refusal" }),
    encodeContext(),
  );
  assert.equal(body.choices[0].message.refusal, "I can't help.");
  assert.equal(body.choices[0].message.content, null);
});

Deno.test("cache writes appear only when there are some", () => {
  const body = fromUnifiedResponse(
    response({
      usage: {
        inputTokens: 10,
        outputTokens: 1,
        cacheReadTokens: 0,
        cacheWriteTokens: 8,
        reasoningTokens: 0,
      },
    }),
    encodeContext(),
  );
  assert.deepEqual(body.usage.prompt_tokens_details, { cached_tokens: 0, cache_write_tokens: 8 });
});

Deno.test("an upstream without an id gets the gateway request id", () => {
  const body = fromUnifiedResponse(response({ id: "" }), encodeContext());
  assert.equal(body.id, "req_test");
});
