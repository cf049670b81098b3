import assert from "node:assert/strict";
import { geminiCodec } from "../../../src/codecs/gemini/mod.ts";
import { GatewayError, type UnifiedMessage } from "../../../src/codecs/unified.ts";
import { baseRequest } from "./helpers.ts";

const target = { model: "gemini-2.5-flash", defaultMaxTokens: 4096 };

Deno.test("URL carries the model and asks for SSE when streaming; the key goes in x-goog-api-key", () => {
  assert.equal(
    geminiCodec.upstreamUrl("https://g/v1beta", "gemini-2.5-flash", false),
    "https://g/v1beta/models/gemini-2.5-flash:generateContent",
  );
  assert.equal(
    geminiCodec.upstreamUrl("https://g/v1beta", "models/gemini-2.5-flash", true),
    "https://g/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
  );
  assert.deepEqual(geminiCodec.upstreamHeaders("k1"), { "x-goog-api-key": "k1" });
  assert.deepEqual(geminiCodec.upstreamHeaders(undefined), {});
});

Deno.test("same-API pass-through leaves the body alone: the model is in the URL", () => {
  const body = { contents: [{ parts: [{ text: "x" }] }] };
  assert.deepEqual(geminiCodec.passThrough.withModel(body, "other"), body);
});

Deno.test("system prompt, sampling and stop go where Gemini reads them", () => {
  const body = geminiCodec.fromUnifiedRequest(
    baseRequest({
      system: "Be brief.",
      maxTokens: 50,
      temperature: 0.5,
      topP: 0.8,
      topK: 3,
      stop: ["X"],
    }),
    target,
  );
  assert.deepEqual(body.systemInstruction, { parts: [{ text: "Be brief." }] });
  assert.deepEqual(body.generationConfig, {
    maxOutputTokens: 50,
    temperature: 0.5,
    topP: 0.8,
    topK: 3,
    stopSequences: ["X"],
  });
  assert.equal("model" in body, false);
});

Deno.test("consecutive same-role messages merge and assistant turns use role model", () => {
  const messages: UnifiedMessage[] = [
    { role: "user", content: [{ type: "text", text: "a" }] },
    { role: "user", content: [{ type: "text", text: "b" }] },
    { role: "assistant", content: [{ type: "text", text: "c" }] },
  ];
  const body = geminiCodec.fromUnifiedRequest(baseRequest({ messages }), target);
  assert.deepEqual(body.contents, [
    { role: "user", parts: [{ text: "a" }, { text: "b" }] },
    { role: "model", parts: [{ text: "c" }] },
  ]);
});

Deno.test("tool results find their function name from the earlier call and wrap the result", () => {
  const messages: UnifiedMessage[] = [
    { role: "user", content: [{ type: "text", text: "weather?" }] },
    {
      role: "assistant",
      content: [
        { type: "tool_call", id: "t1", name: "weather", arguments: '{"city":"A"}', signature: "S" },
        { type: "tool_call", id: "t2", name: "clock", arguments: "" },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", toolCallId: "t1", content: '{"temp":20}' },
        { type: "tool_result", toolCallId: "t2", content: "noon" },
        { type: "tool_result", toolCallId: "t3", name: "named", content: "boom", isError: true },
      ],
    },
  ];
  const body = geminiCodec.fromUnifiedRequest(baseRequest({ messages }), target);
  assert.deepEqual(body.contents, [
    { role: "user", parts: [{ text: "weather?" }] },
    {
      role: "model",
      parts: [
        { functionCall: { name: "weather", args: { city: "A" }, id: "t1" }, thoughtSignature: "S" },
        { functionCall: { name: "clock", args: {}, id: "t2" } },
      ],
    },
    {
      role: "user",
      parts: [
        { functionResponse: { id: "t1", name: "weather", response: { result: { temp: 20 } } } },
        { functionResponse: { id: "t2", name: "clock", response: { result: "noon" } } },
        { functionResponse: { id: "t3", name: "named", response: { error: "boom" } } },
      ],
    },
  ]);
});

Deno.test("a tool result whose call cannot be found is a 400 naming the message", () => {
  const messages: UnifiedMessage[] = [
    { role: "user", content: [{ type: "tool_result", toolCallId: "nope", content: "x" }] },
  ];
  assert.throws(
    () => geminiCodec.fromUnifiedRequest(baseRequest({ messages }), target),
    (error: unknown) =>
      error instanceof GatewayError && error.status === 400 &&
      error.message.includes("messages[0].content[0]"),
  );
});

Deno.test("signed reasoning becomes a thought part; unsigned or opaque reasoning is dropped", () => {
  const messages: UnifiedMessage[] = [
    { role: "user", content: [{ type: "text", text: "q" }] },
    {
      role: "assistant",
      content: [
        { type: "reasoning", text: "hmm", signature: "SIG" },
        { type: "reasoning", text: "unsigned" },
        { type: "reasoning", text: "", redactedData: "xx" },
        { type: "text", text: "a", signature: "TS" },
      ],
    },
  ];
  const body = geminiCodec.fromUnifiedRequest(baseRequest({ messages }), target);
  assert.deepEqual((body.contents as unknown[])[1], {
    role: "model",
    parts: [
      { text: "hmm", thought: true, thoughtSignature: "SIG" },
      { text: "a", thoughtSignature: "TS" },
    ],
  });
});

Deno.test("images: base64 and data URLs go inline, other URLs as fileData with a guessed type", () => {
  const messages: UnifiedMessage[] = [{
    role: "user",
    content: [
      { type: "image", source: { kind: "base64", mediaType: "image/webp", data: "AAA" } },
      { type: "image", source: { kind: "url", url: "data:image/png;base64,BBB" } },
      { type: "image", source: { kind: "url", url: "https://x/cat.PNG?size=2" } },
      { type: "image", source: { kind: "url", url: "https://x/photo" } },
    ],
  }];
  const body = geminiCodec.fromUnifiedRequest(baseRequest({ messages }), target);
  assert.deepEqual((body.contents as Array<{ parts: unknown[] }>)[0].parts, [
    { inlineData: { mimeType: "image/webp", data: "AAA" } },
    { inlineData: { mimeType: "image/png", data: "BBB" } },
    { fileData: { mimeType: "image/png", fileUri: "https://x/cat.PNG?size=2" } },
    { fileData: { mimeType: "image/jpeg", fileUri: "https://x/photo" } },
  ]);
});

Deno.test("tools become function declarations with converted parameters", () => {
  const body = geminiCodec.fromUnifiedRequest(
    baseRequest({
      tools: [{
        name: "f",
        description: "does f",
        parameters: {
          type: "object",
          additionalProperties: false,
          properties: { a: { type: ["string", "null"] } },
          required: ["a"],
        },
        strict: true,
      }],
    }),
    target,
  );
  assert.deepEqual(body.tools, [{
    functionDeclarations: [{
      name: "f",
      description: "does f",
      parameters: {
        type: "object",
        properties: { a: { type: "string", nullable: true } },
        required: ["a"],
      },
    }],
  }]);
});

Deno.test("tool choice maps to function calling modes", () => {
  const config = (toolChoice: Parameters<typeof baseRequest>[0]) =>
    geminiCodec.fromUnifiedRequest(baseRequest(toolChoice), target).toolConfig;
  assert.deepEqual(config({ toolChoice: { type: "auto" } }), {
    functionCallingConfig: { mode: "AUTO" },
  });
  assert.deepEqual(config({ toolChoice: { type: "none" } }), {
    functionCallingConfig: { mode: "NONE" },
  });
  assert.deepEqual(config({ toolChoice: { type: "required" } }), {
    functionCallingConfig: { mode: "ANY" },
  });
  assert.deepEqual(config({ toolChoice: { type: "tool", name: "f" } }), {
    functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f"] },
  });
});

Deno.test("JSON response format asks for application/json with a converted schema", () => {
  const body = geminiCodec.fromUnifiedRequest(
    baseRequest({
      responseFormat: {
        type: "json_schema",
        name: "r",
        schema: {
          type: "object",
          properties: { n: { type: "integer" } },
          additionalProperties: false,
        },
      },
    }),
    target,
  );
  assert.deepEqual(body.generationConfig, {
    responseMimeType: "application/json",
    responseSchema: { type: "object", properties: { n: { type: "integer" } } },
  });
  const plain = geminiCodec.fromUnifiedRequest(
    baseRequest({ responseFormat: { type: "json_object" } }),
    target,
  );
  assert.deepEqual(plain.generationConfig, { responseMimeType: "application/json" });
});

Deno.test("reasoning maps to thinkingConfig: effort to budget, disabled to zero", () => {
  const thinking = (reasoning: Parameters<typeof baseRequest>[0]) =>
    (geminiCodec.fromUnifiedRequest(baseRequest(reasoning), target).generationConfig as Record<
      string,
      unknown
    >).thinkingConfig;
  assert.deepEqual(thinking({ reasoning: { enabled: true, effort: "medium" } }), {
    thinkingBudget: 8192,
    includeThoughts: true,
  });
  assert.deepEqual(thinking({ reasoning: { enabled: true, budgetTokens: 500, effort: "high" } }), {
    thinkingBudget: 500,
    includeThoughts: true,
  });
  assert.deepEqual(thinking({ reasoning: { enabled: false } }), { thinkingBudget: 0 });
});

Deno.test("for Gemini 3, a replayed turn of unsigned calls gets the skip sentinel on its first call", () => {
  const messages: UnifiedMessage[] = [
    { role: "user", content: [{ type: "text", text: "q" }] },
    {
      role: "assistant",
      content: [
        { type: "tool_call", id: "a", name: "f", arguments: "{}" },
        { type: "tool_call", id: "b", name: "f", arguments: "{}" },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", toolCallId: "a", content: "1" },
        { type: "tool_result", toolCallId: "b", content: "2" },
      ],
    },
    {
      role: "assistant",
      content: [{ type: "tool_call", id: "c", name: "f", arguments: "{}", signature: "real" }],
    },
  ];
  const parts = (model: string) =>
    (geminiCodec.fromUnifiedRequest(baseRequest({ messages }), { ...target, model })
      .contents as Array<
        { parts: Array<Record<string, unknown>> }
      >).map((content) => content.parts.map((part) => part.thoughtSignature));
  assert.deepEqual(parts("gemini-3-pro-preview"), [
    [undefined],
    ["skip_thought_signature_validator", undefined],
    [undefined, undefined],
    ["real"],
  ]);
  assert.deepEqual(parts("gemini-2.5-flash")[1], [undefined, undefined]);
});
