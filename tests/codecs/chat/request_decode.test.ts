import assert from "node:assert/strict";
import { toUnifiedRequest } from "../../../src/codecs/chat/request_decode.ts";
import { GatewayError } from "../../../src/codecs/unified.ts";

function decode(body: Record<string, unknown>) {
  return toUnifiedRequest({ model: "gpt-4o", ...body }, {});
}

function rejects(body: unknown, fieldInMessage: string) {
  assert.throws(
    () => toUnifiedRequest(body, {}),
    (err: unknown) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.status, 400);
      assert.ok(err.message.includes(fieldInMessage), `"${err.message}" names ${fieldInMessage}`);
      return true;
    },
  );
}

Deno.test("a minimal chat request becomes one user text turn, not streamed", () => {
  const req = decode({ messages: [{ role: "user", content: "Hi" }] });
  assert.equal(req.model, "gpt-4o");
  assert.equal(req.stream, false);
  assert.deepEqual(req.messages, [{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
  assert.equal(req.system, undefined);
});

Deno.test("system and developer messages join in order into the unified system text", () => {
  const req = decode({
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
    ],
  });
  assert.equal(req.system, "Be brief.\n\nAnswer in French.");
  assert.equal(req.messages.length, 1);
});

Deno.test("image parts: data URLs become base64 images and http URLs stay URLs, detail kept", () => {
  const req = decode({
    messages: [{
      role: "user",
      content: [
        { type: "text", text: "What is this?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
        { type: "image_url", image_url: { url: "https://example.com/cat.jpg", detail: "low" } },
      ],
    }],
  });
  assert.deepEqual(req.messages[0].content, [
    { type: "text", text: "What is this?" },
    { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
    { type: "image", source: { kind: "url", url: "https://example.com/cat.jpg" }, detail: "low" },
  ]);
});

Deno.test("audio and file parts are rejected with a 400 naming the part", () => {
  rejects({
    model: "m",
    messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }],
  }, "messages[0].content[0].type");
  rejects({
    model: "m",
    messages: [{ role: "user", content: [{ type: "text", text: "a" }, { type: "file" }] }],
  }, "messages[0].content[1].type");
});

Deno.test("an image URL that is neither http(s) nor a base64 data URL is rejected", () => {
  rejects({
    model: "m",
    messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x" } }] }],
  }, "messages[0].content[0].image_url.url");
});

Deno.test("assistant tool calls and the following tool messages become one tool-result turn", () => {
  const req = decode({
    messages: [
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "weather", arguments: '{"c":"Paris"}' },
          },
          { id: "call_2", type: "function", function: { name: "weather", arguments: "" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "sunny" },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "rain" }] },
      { role: "user", content: "Thanks. And tomorrow?" },
    ],
  });
  assert.equal(req.messages.length, 3);
  assert.deepEqual(req.messages[1], {
    role: "assistant",
    content: [
      { type: "tool_call", id: "call_1", name: "weather", arguments: '{"c":"Paris"}' },
      { type: "tool_call", id: "call_2", name: "weather", arguments: "{}" },
    ],
  });
  assert.deepEqual(req.messages[2], {
    role: "user",
    content: [
      { type: "tool_result", toolCallId: "call_1", name: "weather", content: "sunny" },
      { type: "tool_result", toolCallId: "call_2", name: "weather", content: "rain" },
      { type: "text", text: "Thanks. And tomorrow?" },
    ],
  });
});

Deno.test("a user message after a plain user message stays a separate turn", () => {
  const req = decode({
    messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }],
  });
  assert.equal(req.messages.length, 2);
});

Deno.test("an echoed assistant message brings back its reasoning text and signature", () => {
  const req = decode({
    messages: [
      { role: "user", content: "2+2?" },
      {
        role: "assistant",
        content: "4",
        reasoning_content: "Add them.",
        reasoning_details: [
          { type: "reasoning.text", text: "Add them.", signature: "sig-abc" },
          { type: "reasoning.encrypted", data: "REDACTED", format: "anthropic-claude-v1" },
        ],
      },
      { role: "user", content: "and 3+3?" },
    ],
  });
  assert.deepEqual(req.messages[1].content, [
    { type: "reasoning", text: "Add them.", signature: "sig-abc" },
    { type: "reasoning", text: "", redactedData: "REDACTED" },
    { type: "text", text: "4" },
  ]);
});

Deno.test("a signature-only detail (as a streamed answer leaves it) takes its text from reasoning_content", () => {
  const req = decode({
    messages: [
      { role: "user", content: "q" },
      {
        role: "assistant",
        content: "a",
        reasoning_content: "thinking hard",
        reasoning_details: [{ type: "reasoning.text", text: "", signature: "sig-1" }],
      },
    ],
  });
  assert.deepEqual(req.messages[1].content[0], {
    type: "reasoning",
    text: "thinking hard",
    signature: "sig-1",
  });
});

Deno.test("plain reasoning_content without details becomes an unsigned reasoning part", () => {
  const req = decode({
    messages: [
      { role: "user", content: "q" },
      { role: "assistant", content: "a", reasoning_content: "hmm" },
    ],
  });
  assert.deepEqual(req.messages[1].content, [
    { type: "reasoning", text: "hmm" },
    { type: "text", text: "a" },
  ]);
});

Deno.test("sampling, limits, tools, tool choice and structured output map to unified fields", () => {
  const req = decode({
    messages: [{ role: "user", content: "x" }],
    max_completion_tokens: 500,
    max_tokens: 999,
    temperature: 0.2,
    top_p: 0.9,
    stop: "END",
    parallel_tool_calls: false,
    tools: [{
      type: "function",
      function: {
        name: "lookup",
        description: "Look up",
        parameters: { type: "object" },
        strict: true,
      },
    }],
    tool_choice: { type: "function", function: { name: "lookup" } },
    response_format: {
      type: "json_schema",
      json_schema: { name: "answer", schema: { type: "object" }, strict: true },
    },
    reasoning_effort: "low",
    user: "u-1",
    metadata: { team: "a" },
    stream: true,
    stream_options: { include_usage: true },
  });
  assert.equal(req.maxTokens, 500, "max_completion_tokens wins over max_tokens");
  assert.equal(req.temperature, 0.2);
  assert.equal(req.topP, 0.9);
  assert.deepEqual(req.stop, ["END"]);
  assert.equal(req.parallelToolCalls, false);
  assert.deepEqual(req.tools, [{
    name: "lookup",
    description: "Look up",
    parameters: { type: "object" },
    strict: true,
  }]);
  assert.deepEqual(req.toolChoice, { type: "tool", name: "lookup" });
  assert.deepEqual(req.responseFormat, {
    type: "json_schema",
    name: "answer",
    schema: { type: "object" },
    strict: true,
  });
  assert.deepEqual(req.reasoning, { enabled: true, effort: "low" });
  assert.equal(req.user, "u-1");
  assert.deepEqual(req.metadata, { team: "a" });
  assert.equal(req.stream, true);
  assert.equal(req.includeUsage, true);
});

Deno.test("legacy max_tokens is read when max_completion_tokens is absent", () => {
  assert.equal(
    decode({ messages: [{ role: "user", content: "x" }], max_tokens: 64 }).maxTokens,
    64,
  );
});

Deno.test("reasoning_effort none turns reasoning off", () => {
  const req = decode({ messages: [{ role: "user", content: "x" }], reasoning_effort: "none" });
  assert.deepEqual(req.reasoning, { enabled: false });
});

Deno.test("tool_choice strings and json_object response format are accepted", () => {
  const req = decode({
    messages: [{ role: "user", content: "x" }],
    tool_choice: "required",
    response_format: { type: "json_object" },
  });
  assert.deepEqual(req.toolChoice, { type: "required" });
  assert.deepEqual(req.responseFormat, { type: "json_object" });
});

Deno.test("structural mistakes are 400s naming the first bad field", () => {
  rejects("not an object", "JSON object");
  rejects({ messages: [{ role: "user", content: "x" }] }, "model");
  rejects({ model: "m" }, "messages");
  rejects({ model: "m", messages: [] }, "messages");
  rejects({ model: "m", messages: [{ role: "user", content: 5 }] }, "messages[0].content");
  rejects({ model: "m", messages: [{ role: "robot", content: "x" }] }, "messages[0].role");
  rejects({ model: "m", messages: [{ role: "function", name: "f", content: "x" }] }, "function");
  rejects({ model: "m", messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id");
  rejects({ model: "m", messages: [{ role: "user", content: "x" }], n: 2 }, "n");
  rejects(
    { model: "m", messages: [{ role: "user", content: "x" }], temperature: "hot" },
    "temperature",
  );
  rejects({ model: "m", messages: [{ role: "user", content: "x" }], max_tokens: 0 }, "max_tokens");
  rejects({ model: "m", messages: [{ role: "user", content: "x" }], stop: [1] }, "stop");
  rejects(
    { model: "m", messages: [{ role: "user", content: "x" }], tool_choice: "any" },
    "tool_choice",
  );
  rejects(
    { model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "web" }] },
    "tools[0]",
  );
  rejects(
    { model: "m", messages: [{ role: "user", content: "x" }], reasoning_effort: "max" },
    "reasoning_effort",
  );
  rejects(
    { model: "m", messages: [{ role: "user", content: "x" }], response_format: { type: "yaml" } },
    "response_format",
  );
  rejects(
    {
      model: "m",
      messages: [{ role: "assistant", content: null, tool_calls: [{ function: { name: "f" } }] }],
    },
    "messages[0].tool_calls[0].id",
  );
});

Deno.test("the 400 carries the OpenAI param of the bad field", () => {
  try {
    decode({ messages: [{ role: "user", content: "x" }], top_p: "high" });
    assert.fail("expected a GatewayError");
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.param, "top_p");
  }
});

Deno.test("unknown extra fields are ignored", () => {
  const req = decode({ messages: [{ role: "user", content: "x" }], seed: 7, logit_bias: {} });
  assert.equal(req.messages.length, 1);
});
