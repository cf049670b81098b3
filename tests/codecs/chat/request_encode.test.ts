import assert from "node:assert/strict";
import { fromUnifiedRequest } from "../../../src/codecs/chat/request_encode.ts";
import type { UnifiedRequest } from "../../../src/codecs/unified.ts";

const target = { model: "gpt-4o-mini", defaultMaxTokens: 4096 };

function encode(req: Partial<UnifiedRequest>, model = target.model) {
  return fromUnifiedRequest({
    model: "alias",
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stream: false,
    ...req,
  }, { ...target, model });
}

Deno.test("the target model replaces the alias and the system text leads as a system message", () => {
  const body = encode({ system: "Be brief." });
  assert.equal(body.model, "gpt-4o-mini");
  assert.deepEqual(body.messages, [
    { role: "system", content: "Be brief." },
    { role: "user", content: "hi" },
  ]);
  assert.equal(body.stream, undefined);
});

Deno.test("max tokens use max_completion_tokens for OpenAI reasoning models, else max_tokens", () => {
  for (const model of ["o1", "o3-mini", "o4-mini", "gpt-5", "gpt-5.1-codex"]) {
    const body = encode({ maxTokens: 100 }, model);
    assert.equal(body.max_completion_tokens, 100, model);
    assert.equal(body.max_tokens, undefined, model);
  }
  for (const model of ["gpt-4o", "deepseek-chat", "llama3.1:8b", "openai/o3"]) {
    const body = encode({ maxTokens: 100 }, model);
    assert.equal(body.max_tokens, 100, model);
    assert.equal(body.max_completion_tokens, undefined, model);
  }
});

Deno.test("streaming asks for the usage chunk", () => {
  const body = encode({ stream: true });
  assert.equal(body.stream, true);
  assert.deepEqual(body.stream_options, { include_usage: true });
});

Deno.test("tool results become tool messages; their images lead the user message that follows", () => {
  const body = encode({
    messages: [
      { role: "user", content: [{ type: "text", text: "weather?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_call", id: "c1", name: "weather", arguments: '{"city":"Oslo"}' },
          { type: "tool_call", id: "c2", name: "time", arguments: "{}" },
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "also this" },
          { type: "tool_result", toolCallId: "c1", content: "cold" },
          {
            type: "tool_result",
            toolCallId: "c2",
            content: [
              { type: "text", text: "noon" },
              { type: "image", source: { kind: "url", url: "https://x/clock.png" } },
            ],
            isError: true,
          },
        ],
      },
    ],
  });
  assert.deepEqual(body.messages, [
    { role: "user", content: "weather?" },
    {
      role: "assistant",
      content: "Checking.",
      tool_calls: [
        { id: "c1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
        { id: "c2", type: "function", function: { name: "time", arguments: "{}" } },
      ],
    },
    { role: "tool", tool_call_id: "c1", content: "cold" },
    { role: "tool", tool_call_id: "c2", content: "noon\n[image in the next user message]" },
    {
      role: "user",
      content: [
        { type: "image_url", image_url: { url: "https://x/clock.png" } },
        { type: "text", text: "also this" },
      ],
    },
  ]);
});

Deno.test("an assistant turn with only tool calls sends content null", () => {
  const body = encode({
    messages: [{
      role: "assistant",
      content: [{ type: "tool_call", id: "c1", name: "f", arguments: "{}" }],
    }],
  });
  const [message] = body.messages as Array<Record<string, unknown>>;
  assert.equal(message.content, null);
});

Deno.test("images go out as image_url parts, base64 as a data URL", () => {
  const body = encode({
    messages: [{
      role: "user",
      content: [
        { type: "text", text: "compare" },
        { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "AAAA" } },
        { type: "image", source: { kind: "url", url: "https://x/y.png" }, detail: "high" },
      ],
    }],
  });
  assert.deepEqual(body.messages, [{
    role: "user",
    content: [
      { type: "text", text: "compare" },
      { type: "image_url", image_url: { url: "data:image/jpeg;base64,AAAA" } },
      { type: "image_url", image_url: { url: "https://x/y.png", detail: "high" } },
    ],
  }]);
});

Deno.test("signed reasoning goes out as reasoning_content plus reasoning_details", () => {
  const body = encode({
    messages: [
      { role: "user", content: [{ type: "text", text: "q" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "step one", signature: "sig-1" },
          { type: "reasoning", text: "", redactedData: "opaque" },
          { type: "text", text: "answer" },
        ],
      },
    ],
  });
  const assistant = (body.messages as Array<Record<string, unknown>>)[1];
  assert.equal(assistant.reasoning_content, "step one");
  assert.deepEqual(assistant.reasoning_details, [
    { type: "reasoning.text", text: "step one", signature: "sig-1" },
    { type: "reasoning.encrypted", data: "opaque", format: "anthropic-claude-v1" },
  ]);
  assert.equal(assistant.content, "answer");
});

Deno.test("unsigned reasoning sends no reasoning_details", () => {
  const body = encode({
    messages: [{ role: "assistant", content: [{ type: "reasoning", text: "hmm" }] }],
  });
  const [assistant] = body.messages as Array<Record<string, unknown>>;
  assert.equal(assistant.reasoning_content, "hmm");
  assert.equal(assistant.reasoning_details, undefined);
});

Deno.test("tools, tool choice, sampling and response format map to chat fields", () => {
  const body = encode({
    tools: [{ name: "f", description: "d", parameters: { type: "object" }, strict: true }],
    toolChoice: { type: "tool", name: "f" },
    parallelToolCalls: false,
    temperature: 0.5,
    topP: 0.8,
    topK: 40,
    stop: ["X"],
    responseFormat: { type: "json_schema", name: "n", schema: { type: "object" }, strict: true },
    user: "u",
    metadata: { a: "b" },
  });
  assert.deepEqual(body.tools, [{
    type: "function",
    function: { name: "f", description: "d", parameters: { type: "object" }, strict: true },
  }]);
  assert.deepEqual(body.tool_choice, { type: "function", function: { name: "f" } });
  assert.equal(body.parallel_tool_calls, false);
  assert.equal(body.temperature, 0.5);
  assert.equal(body.top_p, 0.8);
  assert.equal("top_k" in body, false, "chat has no top_k");
  assert.deepEqual(body.stop, ["X"]);
  assert.deepEqual(body.response_format, {
    type: "json_schema",
    json_schema: { name: "n", schema: { type: "object" }, strict: true },
  });
  assert.equal(body.user, "u");
  assert.equal("metadata" in body, false, "OpenAI rejects metadata without store");
});

Deno.test("parallel_tool_calls is left out when there are no tools (OpenAI rejects it)", () => {
  const body = encode({ parallelToolCalls: true });
  assert.equal("parallel_tool_calls" in body, false);
});

Deno.test("reasoning effort passes through; a bare budget maps to the nearest effort", () => {
  assert.equal(
    encode({ reasoning: { enabled: true, effort: "medium" } }).reasoning_effort,
    "medium",
  );
  const cases: Array<[number, string]> = [[1024, "minimal"], [4096, "low"], [16384, "medium"], [
    16385,
    "high",
  ]];
  for (const [budgetTokens, effort] of cases) {
    assert.equal(encode({ reasoning: { enabled: true, budgetTokens } }).reasoning_effort, effort);
  }
  assert.equal(encode({ reasoning: { enabled: false } }).reasoning_effort, undefined);
});
