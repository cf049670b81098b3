import assert from "node:assert/strict";
import { bedrockCodec } from "../../../src/codecs/bedrock/mod.ts";
import type { ContentPart, UnifiedRequest } from "../../../src/codecs/unified.ts";
import { GatewayError } from "../../../src/codecs/unified.ts";
import { baseRequest, CLAUDE } from "./helpers.ts";

const encode = (req: UnifiedRequest, model = CLAUDE) =>
  bedrockCodec.fromUnifiedRequest(req, { model, defaultMaxTokens: 4096 });

Deno.test("system, sampling and stop sequences go to system[] and inferenceConfig; no model in the body", () => {
  const body = encode(baseRequest({
    system: "Be brief.",
    maxTokens: 100,
    temperature: 0.2,
    topP: 0.9,
    stop: ["END"],
  }));
  assert.deepEqual(body, {
    messages: [{ role: "user", content: [{ text: "hi" }] }],
    system: [{ text: "Be brief." }],
    inferenceConfig: { maxTokens: 100, stopSequences: ["END"], temperature: 0.2, topP: 0.9 },
  });
});

Deno.test("a tool round trip becomes toolUse and toolResult blocks with a toolConfig", () => {
  const body = encode(baseRequest({
    messages: [
      { role: "user", content: [{ type: "text", text: "weather?" }] },
      {
        role: "assistant",
        content: [{
          type: "tool_call",
          id: "call_1",
          name: "get_weather",
          arguments: '{"city":"Paris"}',
        }],
      },
      {
        role: "user",
        content: [{ type: "tool_result", toolCallId: "call_1", content: "sunny", isError: true }],
      },
    ],
    tools: [{ name: "get_weather", description: "Weather", parameters: { type: "object" } }],
    toolChoice: { type: "required" },
  }));
  assert.deepEqual(body.messages, [
    { role: "user", content: [{ text: "weather?" }] },
    {
      role: "assistant",
      content: [{
        toolUse: { toolUseId: "call_1", name: "get_weather", input: { city: "Paris" } },
      }],
    },
    {
      role: "user",
      content: [{
        toolResult: { toolUseId: "call_1", content: [{ text: "sunny" }], status: "error" },
      }],
    },
  ]);
  assert.deepEqual(body.toolConfig, {
    tools: [{
      toolSpec: {
        name: "get_weather",
        description: "Weather",
        inputSchema: { json: { type: "object" } },
      },
    }],
    toolChoice: { any: {} },
  });
});

Deno.test("tool choice none: tools left out, but kept when the conversation has tool blocks", () => {
  const tools = [{ name: "t", parameters: { type: "object" } }];
  assert.equal(encode(baseRequest({ tools, toolChoice: { type: "none" } })).toolConfig, undefined);
  const withCall = encode(baseRequest({
    tools,
    toolChoice: { type: "none" },
    messages: [
      { role: "user", content: [{ type: "text", text: "x" }] },
      { role: "assistant", content: [{ type: "tool_call", id: "a", name: "t", arguments: "" }] },
      { role: "user", content: [{ type: "tool_result", toolCallId: "a", content: "ok" }] },
    ],
  }));
  assert.deepEqual(withCall.toolConfig, {
    tools: [{ toolSpec: { name: "t", inputSchema: { json: { type: "object" } } } }],
  });
});

Deno.test("images go as bytes with their format; links are refused with a 400", () => {
  const body = encode(baseRequest({
    messages: [{
      role: "user",
      content: [{
        type: "image",
        source: { kind: "url", url: "data:image/png;base64,iVBORw0KGgo=" },
      }],
    }],
  }));
  assert.deepEqual(body.messages, [{
    role: "user",
    content: [{ image: { format: "png", source: { bytes: "iVBORw0KGgo=" } } }],
  }]);
  assert.throws(
    () =>
      encode(baseRequest({
        messages: [{
          role: "user",
          content: [{ type: "image", source: { kind: "url", url: "https://example.com/a.png" } }],
        }],
      })),
    (error: unknown) => error instanceof GatewayError && error.status === 400,
  );
});

Deno.test("Claude reasoning: thinking in additionalModelRequestFields, maxTokens above the budget, no temperature", () => {
  const body = encode(baseRequest({
    reasoning: { enabled: true, budgetTokens: 2000 },
    maxTokens: 1000,
    temperature: 0.5,
  }));
  assert.deepEqual(body.additionalModelRequestFields, {
    thinking: { type: "enabled", budget_tokens: 2000 },
  });
  assert.deepEqual(body.inferenceConfig, { maxTokens: 6096 });
});

Deno.test("signed reasoning goes back as reasoningContent; redacted as redactedContent; unsigned is dropped", () => {
  const body = encode(baseRequest({
    messages: [
      { role: "user", content: [{ type: "text", text: "q" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "thought", signature: "sig" },
          { type: "reasoning", text: "", redactedData: "b64" },
          { type: "reasoning", text: "foreign" },
          { type: "text", text: "answer" },
        ],
      },
      { role: "user", content: [{ type: "text", text: "more" }] },
    ],
  }));
  assert.deepEqual((body.messages as Array<{ content: unknown[] }>)[1].content, [
    { reasoningContent: { reasoningText: { text: "thought", signature: "sig" } } },
    { reasoningContent: { redactedContent: "b64" } },
    { text: "answer" },
  ]);
});

Deno.test("Nova reasoning uses reasoningConfig; other families get no reasoning field", () => {
  const req = baseRequest({ reasoning: { enabled: true, effort: "high" } });
  assert.deepEqual(encode(req, "us.amazon.nova-2-lite-v1:0").additionalModelRequestFields, {
    reasoningConfig: { type: "enabled", maxReasoningEffort: "high" },
  });
  assert.equal(
    encode(req, "meta.llama3-70b-instruct-v1:0").additionalModelRequestFields,
    undefined,
  );
});

Deno.test("structured output is a forced json_response tool", () => {
  const body = encode(baseRequest({
    responseFormat: { type: "json_schema", name: "x", schema: { type: "object" } },
  }));
  assert.deepEqual((body.toolConfig as { toolChoice: unknown }).toolChoice, {
    tool: { name: "json_response" },
  });
});

Deno.test("the URL carries the model id as one encoded segment", () => {
  assert.equal(
    bedrockCodec.upstreamUrl("https://bedrock-runtime.us-east-1.amazonaws.com", CLAUDE, true),
    "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream",
  );
  assert.match(
    bedrockCodec.upstreamUrl("http://h", "arn:aws:x/y", false),
    /\/model\/arn%3Aaws%3Ax%2Fy\/converse$/,
  );
});

Deno.test("Claude on Bedrock: a tool loop whose thinking block is lost goes without thinking", () => {
  const codec = bedrockCodec;
  const target = { model: "anthropic.claude-sonnet-4-5-20250929-v1:0", defaultMaxTokens: 4096 };
  const loop = (first: ContentPart[]): UnifiedRequest => ({
    model: "m",
    stream: false,
    reasoning: { enabled: true, effort: "high" },
    messages: [
      { role: "user", content: [{ type: "text", text: "Weather?" }] },
      {
        role: "assistant",
        content: [...first, { type: "tool_call", id: "t1", name: "w", arguments: "{}" }],
      },
      { role: "user", content: [{ type: "tool_result", toolCallId: "t1", content: "18" }] },
    ],
  });
  const thinking = (req: UnifiedRequest) =>
    (codec.fromUnifiedRequest(req, target).additionalModelRequestFields as
      | Record<string, unknown>
      | undefined)?.thinking;
  assert.equal(thinking(loop([])), undefined);
  const gemini: ContentPart = { type: "reasoning", text: "", signature: "g", family: "gemini" };
  assert.equal(thinking(loop([gemini])), undefined, "another family's signature is no block");
  const own: ContentPart = { type: "reasoning", text: "hm", signature: "s", family: "anthropic" };
  assert.ok(thinking(loop([own])));
});
