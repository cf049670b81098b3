import assert from "node:assert/strict";
import { messagesCodec } from "../../../src/codecs/messages/mod.ts";
import type { UnifiedMessage } from "../../../src/codecs/unified.ts";
import { GatewayError } from "../../../src/codecs/unified.ts";
import { baseRequest } from "./helpers.ts";

const target = { model: "claude-sonnet-4-5", defaultMaxTokens: 4096 };
const encode = (overrides: Parameters<typeof baseRequest>[0]) =>
  messagesCodec.fromUnifiedRequest(baseRequest(overrides), target);

Deno.test("the upstream URL and headers follow the Anthropic API", () => {
  assert.equal(
    messagesCodec.upstreamUrl("https://api.anthropic.com", "m", true),
    "https://api.anthropic.com/v1/messages",
  );
  assert.deepEqual(messagesCodec.upstreamHeaders("sk-1"), {
    "x-api-key": "sk-1",
    "anthropic-version": "2023-06-01",
  });
  assert.equal(messagesCodec.upstreamHeaders(undefined)["x-api-key"], undefined);
});

Deno.test("the target model and default max_tokens are used; system goes top-level", () => {
  const body = encode({ system: "Be brief.", stream: true, stop: ["X"], user: "u1" });
  assert.equal(body.model, "claude-sonnet-4-5");
  assert.equal(body.max_tokens, 4096);
  assert.equal(body.system, "Be brief.");
  assert.equal(body.stream, true);
  assert.deepEqual(body.stop_sequences, ["X"]);
  assert.deepEqual(body.metadata, { user_id: "u1" });
  assert.equal(encode({ maxTokens: 77 }).max_tokens, 77);
});

Deno.test("consecutive same-role turns merge and tool results come first in their user turn", () => {
  const messages: UnifiedMessage[] = [
    { role: "user", content: [{ type: "text", text: "one" }] },
    { role: "user", content: [{ type: "text", text: "two" }] },
    {
      role: "assistant",
      content: [
        { type: "tool_call", id: "a", name: "f", arguments: '{"x":1}' },
        { type: "tool_call", id: "b", name: "f", arguments: "" },
      ],
    },
    { role: "user", content: [{ type: "text", text: "here you go" }] },
    { role: "user", content: [{ type: "tool_result", toolCallId: "a", content: "r1" }] },
    {
      role: "user",
      content: [{ type: "tool_result", toolCallId: "b", content: "r2", isError: true }],
    },
  ];
  assert.deepEqual(encode({ messages }).messages, [
    { role: "user", content: [{ type: "text", text: "one" }, { type: "text", text: "two" }] },
    {
      role: "assistant",
      content: [
        { type: "tool_use", id: "a", name: "f", input: { x: 1 } },
        { type: "tool_use", id: "b", name: "f", input: {} },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "a", content: "r1" },
        { type: "tool_result", tool_use_id: "b", content: "r2", is_error: true },
        { type: "text", text: "here you go" },
      ],
    },
  ]);
});

Deno.test("tool ids are sanitized the same way in calls and results", () => {
  const messages: UnifiedMessage[] = [
    { role: "user", content: [{ type: "text", text: "go" }] },
    {
      role: "assistant",
      content: [{ type: "tool_call", id: "call:1.a/b", name: "f", arguments: "{}" }],
    },
    { role: "user", content: [{ type: "tool_result", toolCallId: "call:1.a/b", content: "ok" }] },
  ];
  const wire = encode({ messages }).messages as Array<{ content: Array<Record<string, unknown>> }>;
  assert.equal(wire[1].content[0].id, "call_1_a_b");
  assert.equal(wire[2].content[0].tool_use_id, "call_1_a_b");
});

Deno.test("empty text is dropped and a turn left empty disappears before merging", () => {
  const messages: UnifiedMessage[] = [
    { role: "user", content: [{ type: "text", text: "q1" }, { type: "text", text: "" }] },
    { role: "assistant", content: [{ type: "text", text: "  " }] },
    { role: "user", content: [{ type: "text", text: "q2" }] },
  ];
  assert.deepEqual(encode({ messages }).messages, [
    { role: "user", content: [{ type: "text", text: "q1" }, { type: "text", text: "q2" }] },
  ]);
});

Deno.test("signed reasoning is sent back as thinking, redacted as redacted_thinking, unsigned dropped", () => {
  const messages: UnifiedMessage[] = [
    { role: "user", content: [{ type: "text", text: "q" }] },
    {
      role: "assistant",
      content: [
        { type: "reasoning", text: "thought", signature: "SIG" },
        { type: "reasoning", text: "", redactedData: "BLOB" },
        { type: "reasoning", text: "from another provider" },
        { type: "text", text: "answer" },
      ],
    },
    { role: "user", content: [{ type: "text", text: "more" }] },
  ];
  const wire = encode({ messages }).messages as Array<{ content: unknown[] }>;
  assert.deepEqual(wire[1].content, [
    { type: "thinking", thinking: "thought", signature: "SIG" },
    { type: "redacted_thinking", data: "BLOB" },
    { type: "text", text: "answer" },
  ]);
});

Deno.test("tool call arguments that are not a JSON object fail naming the message", () => {
  const messages: UnifiedMessage[] = [
    { role: "user", content: [{ type: "text", text: "q" }] },
    { role: "assistant", content: [{ type: "tool_call", id: "a", name: "f", arguments: "{oops" }] },
  ];
  assert.throws(() => encode({ messages }), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.status, 400);
    assert.ok(error.message.startsWith("messages[1].content[0].arguments"), error.message);
    return true;
  });
});

Deno.test("images become base64 or url sources; data URLs become base64", () => {
  const messages: UnifiedMessage[] = [{
    role: "user",
    content: [
      { type: "image", source: { kind: "url", url: "data:image/jpeg;base64,QUJD" } },
      { type: "image", source: { kind: "url", url: "https://e/x.png" }, detail: "high" },
      { type: "image", source: { kind: "base64", mediaType: "image/gif", data: "R0lG" } },
    ],
  }];
  const wire = encode({ messages }).messages as Array<{ content: unknown[] }>;
  assert.deepEqual(wire[0].content, [
    { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "QUJD" } },
    { type: "image", source: { type: "url", url: "https://e/x.png" } },
    { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lG" } },
  ]);
});

Deno.test("tools and tool choices map; parallelToolCalls=false disables parallel tool use", () => {
  const tools = [{ name: "f", description: "does f", parameters: { type: "object" } }];
  const body = encode({ tools, toolChoice: { type: "required" }, parallelToolCalls: false });
  assert.deepEqual(body.tools, [{
    name: "f",
    description: "does f",
    input_schema: { type: "object" },
  }]);
  assert.deepEqual(body.tool_choice, { type: "any", disable_parallel_tool_use: true });
  assert.deepEqual(encode({ tools, toolChoice: { type: "tool", name: "f" } }).tool_choice, {
    type: "tool",
    name: "f",
  });
  assert.deepEqual(encode({ tools, toolChoice: { type: "none" } }).tool_choice, { type: "none" });
  assert.deepEqual(encode({ tools, parallelToolCalls: false }).tool_choice, {
    type: "auto",
    disable_parallel_tool_use: true,
  });
  assert.equal(encode({ toolChoice: { type: "required" } }).tool_choice, undefined);
});

Deno.test("reasoning becomes a thinking budget, raises max_tokens and drops sampling", () => {
  const body = encode({
    reasoning: { enabled: true, effort: "high" },
    maxTokens: 1000,
    temperature: 0.5,
    topP: 0.9,
    topK: 5,
  });
  assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 24576 });
  assert.equal(body.max_tokens, 24576 + 4096);
  assert.equal(body.temperature, undefined);
  assert.equal(body.top_p, undefined);
  assert.equal(body.top_k, undefined);
  const explicit = encode({ reasoning: { enabled: true, budgetTokens: 2000 }, maxTokens: 50000 });
  assert.deepEqual(explicit.thinking, { type: "enabled", budget_tokens: 2000 });
  assert.equal(explicit.max_tokens, 50000);
  assert.equal(encode({ reasoning: { enabled: false }, temperature: 0.2 }).temperature, 0.2);
  assert.equal(encode({ reasoning: { enabled: false } }).thinking, undefined);
});

Deno.test("structured output becomes a forced json_response tool, without thinking", () => {
  const schema = { type: "object", properties: { n: { type: "number" } } };
  const body = encode({
    responseFormat: { type: "json_schema", name: "out", schema },
    reasoning: { enabled: true, effort: "low" },
  });
  const tools = body.tools as Array<Record<string, unknown>>;
  assert.equal(tools[tools.length - 1].name, "json_response");
  assert.deepEqual(tools[tools.length - 1].input_schema, schema);
  assert.deepEqual(body.tool_choice, { type: "tool", name: "json_response" });
  assert.equal(body.thinking, undefined);
});

Deno.test("same-API pass-through replaces only the model", () => {
  const body = { model: "alias", max_tokens: 5, messages: [], extra: { keep: true } };
  assert.deepEqual(messagesCodec.passThrough.withModel(body, "claude-real"), {
    ...body,
    model: "claude-real",
  });
  assert.equal(body.model, "alias");
});
