import assert from "node:assert/strict";
import { geminiCodec } from "../../../src/codecs/gemini/mod.ts";
import { GatewayError } from "../../../src/codecs/unified.ts";

const ctx = { model: "gemini-2.5-pro", stream: false };

function rejects(body: unknown, messagePart: string): void {
  assert.throws(
    () => geminiCodec.toUnifiedRequest(body, ctx),
    (error: unknown) =>
      error instanceof GatewayError && error.status === 400 && error.message.includes(messagePart),
  );
}

Deno.test("model and streaming come from the URL context", () => {
  const request = geminiCodec.toUnifiedRequest(
    { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
    { model: "gemini-x", stream: true },
  );
  assert.equal(request.model, "gemini-x");
  assert.equal(request.stream, true);
  assert.deepEqual(request.messages, [{ role: "user", content: [{ type: "text", text: "hi" }] }]);
});

Deno.test("missing or empty contents is a 400 naming contents", () => {
  rejects({}, "contents");
  rejects({ contents: [] }, "contents");
  rejects({ contents: [{ role: "user", parts: "hi" }] }, "contents[0].parts");
  rejects({ contents: [{ role: "system", parts: [] }] }, "contents[0].role");
  rejects({ contents: [{ parts: [{ executableCode: {} }] }] }, "contents[0].parts[0]");
});

Deno.test("system instruction parts join into the system prompt", () => {
  const request = geminiCodec.toUnifiedRequest({
    systemInstruction: { parts: [{ text: "Be brief." }, { text: "Be kind." }] },
    contents: [{ parts: [{ text: "hi" }] }],
  }, ctx);
  assert.equal(request.system, "Be brief.\nBe kind.");
  assert.equal(request.messages[0].role, "user");
});

Deno.test("generation config maps to sampling fields, stop and max tokens", () => {
  const request = geminiCodec.toUnifiedRequest({
    contents: [{ parts: [{ text: "hi" }] }],
    generationConfig: {
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ["END"],
    },
  }, ctx);
  assert.equal(request.maxTokens, 100);
  assert.equal(request.temperature, 0.2);
  assert.equal(request.topP, 0.9);
  assert.equal(request.topK, 40);
  assert.deepEqual(request.stop, ["END"]);
  rejects(
    { contents: [{ parts: [{ text: "x" }] }], generationConfig: { temperature: "hot" } },
    "temperature",
  );
});

Deno.test("thinking config: budget, zero budget, level and includeThoughts", () => {
  const decode = (thinkingConfig: unknown) =>
    geminiCodec.toUnifiedRequest({
      contents: [{ parts: [{ text: "x" }] }],
      generationConfig: { thinkingConfig },
    }, ctx).reasoning;
  assert.deepEqual(decode({ thinkingBudget: 3000 }), {
    enabled: true,
    budgetTokens: 3000,
    effort: "low",
  });
  assert.deepEqual(decode({ thinkingBudget: 0 }), { enabled: false });
  assert.deepEqual(decode({ thinkingLevel: "HIGH" }), { enabled: true, effort: "high" });
  assert.deepEqual(decode({ includeThoughts: true }), { enabled: true });
  assert.equal(decode({ includeThoughts: false }), undefined);
});

Deno.test("JSON output with a response schema becomes a json_schema response format", () => {
  const request = geminiCodec.toUnifiedRequest({
    contents: [{ parts: [{ text: "x" }] }],
    generationConfig: {
      responseMimeType: "application/json",
      responseSchema: { type: "OBJECT", properties: { a: { type: "STRING" } } },
    },
  }, ctx);
  assert.deepEqual(request.responseFormat, {
    type: "json_schema",
    name: "response",
    schema: { type: "object", properties: { a: { type: "string" } } },
  });
  const plain = geminiCodec.toUnifiedRequest({
    contents: [{ parts: [{ text: "x" }] }],
    generationConfig: { responseMimeType: "application/json" },
  }, ctx);
  assert.deepEqual(plain.responseFormat, { type: "json_object" });
});

Deno.test("function declarations become tools; parametersJsonSchema passes unchanged", () => {
  const jsonSchema = { type: "object", properties: { q: { type: ["string", "null"] } } };
  const request = geminiCodec.toUnifiedRequest({
    contents: [{ parts: [{ text: "x" }] }],
    tools: [{
      functionDeclarations: [
        { name: "search", description: "Search", parametersJsonSchema: jsonSchema },
        {
          name: "weather",
          parameters: { type: "OBJECT", properties: { city: { type: "STRING" } } },
        },
        { name: "ping" },
      ],
    }],
  }, ctx);
  assert.deepEqual(request.tools, [
    { name: "search", description: "Search", parameters: jsonSchema },
    { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
    { name: "ping", parameters: { type: "object", properties: {} } },
  ]);
});

Deno.test("built-in tools become hosted tools: search and code execution travel, others stay", () => {
  const request = geminiCodec.toUnifiedRequest({
    contents: [{ parts: [{ text: "x" }] }],
    tools: [{ googleSearch: {} }, { code_execution: {} }, { urlContext: {} }],
  }, ctx);
  assert.equal(request.tools, undefined);
  assert.deepEqual(request.hostedTools, [
    { kind: "web_search", wireType: "googleSearch" },
    { kind: "code_execution", wireType: "code_execution" },
    { kind: "other", wireType: "urlContext" },
  ]);
});

Deno.test("function calling modes map to tool choices; ANY with one name forces that tool", () => {
  const choose = (functionCallingConfig: unknown) =>
    geminiCodec.toUnifiedRequest({
      contents: [{ parts: [{ text: "x" }] }],
      toolConfig: { functionCallingConfig },
    }, ctx).toolChoice;
  assert.deepEqual(choose({ mode: "AUTO" }), { type: "auto" });
  assert.deepEqual(choose({ mode: "VALIDATED" }), { type: "auto" });
  assert.deepEqual(choose({ mode: "NONE" }), { type: "none" });
  assert.deepEqual(choose({ mode: "ANY" }), { type: "required" });
  assert.deepEqual(choose({ mode: "ANY", allowedFunctionNames: ["a", "b"] }), { type: "required" });
  assert.deepEqual(choose({ mode: "ANY", allowedFunctionNames: ["a"] }), {
    type: "tool",
    name: "a",
  });
  rejects({
    contents: [{ parts: [{ text: "x" }] }],
    toolConfig: { functionCallingConfig: { mode: "SOME" } },
  }, "mode");
});

Deno.test("thought parts become reasoning; signatures stay on text and call parts", () => {
  const request = geminiCodec.toUnifiedRequest({
    contents: [
      { role: "user", parts: [{ text: "q" }] },
      {
        role: "model",
        parts: [
          { text: "thinking…", thought: true, thoughtSignature: "sigR" },
          { text: "answer", thoughtSignature: "sigT" },
          { functionCall: { name: "f", args: { a: 1 } }, thoughtSignature: "sigC" },
        ],
      },
    ],
  }, ctx);
  assert.deepEqual(request.messages[1], {
    role: "assistant",
    content: [
      { type: "reasoning", text: "thinking…", signature: "sigR", family: "gemini" },
      { type: "text", text: "answer", signature: "sigT" },
      { type: "tool_call", id: "call_1_2", name: "f", arguments: '{"a":1}', signature: "sigC" },
    ],
  });
});

Deno.test("parallel calls of one function get distinct ids, answered in order by name", () => {
  const request = geminiCodec.toUnifiedRequest({
    contents: [
      { role: "user", parts: [{ text: "weather in A and B, and the time" }] },
      {
        role: "model",
        parts: [
          { functionCall: { name: "weather", args: { city: "A" } } },
          { functionCall: { name: "time", args: {} } },
          { functionCall: { name: "weather", args: { city: "B" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "time", response: { result: "noon" } } },
          { functionResponse: { name: "weather", response: { output: { temp: 20 } } } },
          { functionResponse: { name: "weather", response: { error: "unknown city" } } },
        ],
      },
    ],
  }, ctx);
  const calls = request.messages[1].content;
  assert.deepEqual(calls.map((part) => part.type === "tool_call" ? part.id : ""), [
    "call_1_0",
    "call_1_1",
    "call_1_2",
  ]);
  assert.deepEqual(request.messages[2].content, [
    { type: "tool_result", toolCallId: "call_1_1", name: "time", content: "noon" },
    { type: "tool_result", toolCallId: "call_1_0", name: "weather", content: '{"temp":20}' },
    {
      type: "tool_result",
      toolCallId: "call_1_2",
      name: "weather",
      content: "unknown city",
      isError: true,
    },
  ]);
});

Deno.test("explicit function call ids are kept and matched", () => {
  const request = geminiCodec.toUnifiedRequest({
    contents: [
      { role: "model", parts: [{ functionCall: { id: "abc", name: "f", args: {} } }] },
      { role: "user", parts: [{ functionResponse: { id: "abc", name: "f", response: { x: 1 } } }] },
    ],
  }, ctx);
  assert.deepEqual(request.messages[1].content[0], {
    type: "tool_result",
    toolCallId: "abc",
    name: "f",
    content: '{"x":1}',
  });
});

Deno.test("inline images and file URIs become image parts; other media is a 400", () => {
  const request = geminiCodec.toUnifiedRequest({
    contents: [{
      parts: [
        { inlineData: { mimeType: "image/png", data: "AAAA" } },
        { fileData: { mimeType: "image/jpeg", fileUri: "https://x/files/1" } },
      ],
    }],
  }, ctx);
  assert.deepEqual(request.messages[0].content, [
    { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } },
    { type: "image", source: { kind: "url", url: "https://x/files/1" } },
  ]);
  rejects(
    { contents: [{ parts: [{ inlineData: { mimeType: "application/pdf", data: "AA" } }] }] },
    "contents[0].parts[0].inlineData",
  );
});

Deno.test("empty unsigned text parts left over from streams are dropped", () => {
  const request = geminiCodec.toUnifiedRequest({
    contents: [
      { role: "user", parts: [{ text: "q" }] },
      { role: "model", parts: [{ text: "a" }, { text: "" }] },
      { role: "model", parts: [{ text: "", thoughtSignature: "s" }] },
    ],
  }, ctx);
  assert.deepEqual(request.messages[1].content, [{ type: "text", text: "a" }]);
  assert.deepEqual(request.messages[2].content, [{ type: "text", text: "", signature: "s" }]);
});
