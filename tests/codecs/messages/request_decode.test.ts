import assert from "node:assert/strict";
import { messagesCodec } from "../../../src/codecs/messages/mod.ts";
import { GatewayError } from "../../../src/codecs/unified.ts";

const decode = (body: unknown) => messagesCodec.toUnifiedRequest(body, {});

function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: "claude-x",
    max_tokens: 100,
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  };
}

function assertInvalid(body: unknown, messagePart: string, param?: string): void {
  assert.throws(() => decode(body), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.status, 400);
    assert.equal(error.kind, "invalid_request");
    assert.ok(error.message.includes(messagePart), error.message);
    if (param !== undefined) assert.equal(error.param, param);
    return true;
  });
}

Deno.test("a minimal request becomes a unified request with one user text turn", () => {
  assert.deepEqual(decode(minimal()), {
    model: "claude-x",
    maxTokens: 100,
    stream: false,
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  });
});

Deno.test("missing max_tokens is rejected as the real API does", () => {
  const body = minimal();
  delete body.max_tokens;
  assertInvalid(body, "max_tokens: Field required", "max_tokens");
});

Deno.test("missing or empty messages and a missing model are rejected naming the field", () => {
  assertInvalid({ model: "m", max_tokens: 5 }, "messages: Field required", "messages");
  assertInvalid(minimal({ messages: [] }), "messages", "messages");
  assertInvalid({ max_tokens: 5, messages: [{ role: "user", content: "x" }] }, "model", "model");
  assertInvalid("not an object", "request body");
});

Deno.test("a bad message role or content names the message index", () => {
  assertInvalid(minimal({ messages: [{ role: "tool", content: "x" }] }), "messages[0].role");
  assertInvalid(
    minimal({ messages: [{ role: "user", content: "a" }, { role: "assistant", content: 5 }] }),
    "messages[1].content: expected a string or an array",
    "messages[1].content",
  );
});

Deno.test("system role messages in messages join the top-level system in order", () => {
  const req = decode(minimal({
    system: "Top.",
    messages: [
      { role: "system", content: "First." },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
      { role: "system", content: [{ type: "text", text: "Second." }] },
      { role: "user", content: "again" },
    ],
  }));
  assert.equal(req.system, "Top.\n\nFirst.\n\nSecond.");
  assert.deepEqual(req.messages.map((message) => message.role), ["user", "assistant", "user"]);
});

Deno.test("a conversation of system messages only is rejected naming messages", () => {
  assertInvalid(minimal({ messages: [{ role: "system", content: "x" }] }), "messages", "messages");
});

Deno.test("document blocks are refused naming the field instead of being dropped silently", () => {
  const body = minimal({
    messages: [{
      role: "user",
      content: [{ type: "text", text: "read" }, { type: "document", source: {} }],
    }],
  });
  assertInvalid(body, "document", "messages[0].content[1].type");
});

Deno.test("system as text blocks is joined; sampling, stop and user id are carried", () => {
  const req = decode(minimal({
    system: [{ type: "text", text: "Be brief." }, { type: "text", text: "Be kind." }],
    temperature: 0.3,
    top_p: 0.9,
    top_k: 40,
    stop_sequences: ["END"],
    metadata: { user_id: "u-42" },
    stream: true,
  }));
  assert.equal(req.system, "Be brief.\n\nBe kind.");
  assert.equal(req.temperature, 0.3);
  assert.equal(req.topP, 0.9);
  assert.equal(req.topK, 40);
  assert.deepEqual(req.stop, ["END"]);
  assert.equal(req.user, "u-42");
  assert.equal(req.stream, true);
});

Deno.test("images, tool use, tool results and thinking blocks map to unified parts", () => {
  const req = decode(minimal({
    messages: [
      {
        role: "user",
        content: [
          { type: "image", source: { type: "base64", media_type: "image/png", data: "AAA" } },
          { type: "image", source: { type: "url", url: "https://x/y.jpg" } },
          { type: "text", text: "what is this?" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "hmm", signature: "sig1" },
          { type: "redacted_thinking", data: "opaque" },
          { type: "tool_use", id: "toolu_1", name: "look", input: { q: "x" } },
        ],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          tool_use_id: "toolu_1",
          is_error: true,
          content: [{ type: "text", text: "failed" }],
        }],
      },
    ],
  }));
  assert.deepEqual(req.messages[0].content, [
    { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA" } },
    { type: "image", source: { kind: "url", url: "https://x/y.jpg" } },
    { type: "text", text: "what is this?" },
  ]);
  assert.deepEqual(req.messages[1].content, [
    { type: "reasoning", text: "hmm", signature: "sig1", family: "anthropic" },
    { type: "reasoning", text: "", redactedData: "opaque" },
    { type: "tool_call", id: "toolu_1", name: "look", arguments: '{"q":"x"}' },
  ]);
  assert.deepEqual(req.messages[2].content, [
    {
      type: "tool_result",
      toolCallId: "toolu_1",
      isError: true,
      content: [{ type: "text", text: "failed" }],
    },
  ]);
});

Deno.test("a tool_result inside an assistant message is rejected", () => {
  assertInvalid(
    minimal({
      messages: [{ role: "assistant", content: [{ type: "tool_result", tool_use_id: "t" }] }],
    }),
    "user messages",
    "messages[0].content[0]",
  );
});

Deno.test("client tools and tool_choice map; disable_parallel_tool_use turns parallel calls off", () => {
  const req = decode(minimal({
    tools: [{ name: "get", description: "Get it", input_schema: { type: "object" } }],
    tool_choice: { type: "any", disable_parallel_tool_use: true },
  }));
  assert.deepEqual(req.tools, [{
    name: "get",
    description: "Get it",
    parameters: { type: "object" },
  }]);
  assert.deepEqual(req.toolChoice, { type: "required" });
  assert.equal(req.parallelToolCalls, false);
  assert.deepEqual(decode(minimal({ tool_choice: { type: "tool", name: "get" } })).toolChoice, {
    type: "tool",
    name: "get",
  });
  assert.deepEqual(decode(minimal({ tool_choice: { type: "none" } })).toolChoice, { type: "none" });
});

Deno.test("server tools become hosted tools; web search keeps its limits", () => {
  const request = decode(minimal({
    tools: [
      { type: "web_search_20250305", name: "web_search", max_uses: 2, blocked_domains: ["x.io"] },
      { type: "code_execution_20250825", name: "code_execution" },
      { type: "text_editor_20250728", name: "str_replace_based_edit_tool" },
    ],
  }));
  assert.equal(request.tools, undefined);
  assert.deepEqual(request.hostedTools, [
    { kind: "web_search", wireType: "web_search_20250305", maxUses: 2, blockedDomains: ["x.io"] },
    { kind: "code_execution", wireType: "code_execution_20250825" },
    { kind: "other", wireType: "text_editor_20250728" },
  ]);
});

Deno.test("thinking settings become reasoning config with an effort from the budget", () => {
  assert.deepEqual(
    decode(minimal({ thinking: { type: "enabled", budget_tokens: 3000 } })).reasoning,
    {
      enabled: true,
      budgetTokens: 3000,
      effort: "low",
    },
  );
  assert.deepEqual(decode(minimal({ thinking: { type: "disabled" } })).reasoning, {
    enabled: false,
  });
  assert.deepEqual(
    decode(minimal({ thinking: { type: "adaptive" }, output_config: { effort: "medium" } }))
      .reasoning,
    { enabled: true, effort: "medium" },
  );
  assertInvalid(minimal({ thinking: { type: "enabled" } }), "budget_tokens");
});

Deno.test("structured output is accepted as output_format and as output_config.format", () => {
  const schema = { type: "object", properties: { a: { type: "string" } } };
  for (
    const extra of [
      { output_format: { type: "json_schema", schema } },
      { output_config: { format: { type: "json_schema", schema } } },
    ]
  ) {
    const format = decode(minimal(extra)).responseFormat;
    assert.equal(format?.type, "json_schema");
    assert.deepEqual(format?.type === "json_schema" ? format.schema : undefined, schema);
  }
});

Deno.test("unknown extra fields are ignored", () => {
  assert.equal(decode(minimal({ service_tier: "auto", container: null })).model, "claude-x");
});
