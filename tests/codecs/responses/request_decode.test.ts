import assert from "node:assert/strict";
import { responsesCodec } from "../../../src/codecs/responses/mod.ts";
import { GatewayError } from "../../../src/codecs/unified.ts";

const decode = (body: unknown) => responsesCodec.toUnifiedRequest(body, {});

function rejects(body: unknown, param: string, message: RegExp): void {
  assert.throws(() => decode(body), (err: unknown) => {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.status, 400);
    assert.equal(err.param, param);
    assert.match(err.message, message);
    return true;
  });
}

Deno.test("a string input becomes one user text message", () => {
  const req = decode({ model: "m", input: "hello" });
  assert.deepEqual(req.messages, [{ role: "user", content: [{ type: "text", text: "hello" }] }]);
  assert.equal(req.stream, false);
});

Deno.test("instructions come before system and developer items in the system prompt", () => {
  const req = decode({
    model: "m",
    instructions: "Be brief.",
    input: [
      { role: "developer", content: "Use metric units." },
      { type: "message", role: "system", content: [{ type: "input_text", text: "No emoji." }] },
      { role: "user", content: "hi" },
    ],
  });
  assert.equal(req.system, "Be brief.\n\nUse metric units.\n\nNo emoji.");
  assert.equal(req.messages.length, 1);
});

Deno.test("a tool-calling conversation keeps call ids, results and images in order", () => {
  const req = decode({
    model: "m",
    input: [
      {
        role: "user",
        content: [
          { type: "input_text", text: "What is here?" },
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0K", detail: "low" },
          { type: "input_image", image_url: "https://example.com/cat.jpg" },
        ],
      },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
      {
        type: "function_call",
        call_id: "call_1",
        name: "lookup",
        arguments: '{"q":"cat"}',
        id: "fc_1",
      },
      { type: "function_call", call_id: "call_2", name: "noargs", arguments: "" },
      { type: "function_call_output", call_id: "call_1", output: "a cat" },
      {
        type: "function_call_output",
        call_id: "call_2",
        output: [{ type: "input_text", text: "done" }],
      },
      { role: "user", content: "thanks" },
    ],
  });
  assert.deepEqual(req.messages, [
    {
      role: "user",
      content: [
        { type: "text", text: "What is here?" },
        {
          type: "image",
          source: { kind: "base64", mediaType: "image/png", data: "iVBORw0K" },
          detail: "low",
        },
        { type: "image", source: { kind: "url", url: "https://example.com/cat.jpg" } },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "text", text: "Checking." },
        { type: "tool_call", id: "call_1", name: "lookup", arguments: '{"q":"cat"}' },
        { type: "tool_call", id: "call_2", name: "noargs", arguments: "{}" },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", toolCallId: "call_1", content: "a cat" },
        { type: "tool_result", toolCallId: "call_2", content: [{ type: "text", text: "done" }] },
        { type: "text", text: "thanks" },
      ],
    },
  ]);
});

Deno.test("an echoed reasoning item keeps its id, summary and encrypted content", () => {
  const req = decode({
    model: "m",
    input: [
      { role: "user", content: "q" },
      {
        type: "reasoning",
        id: "rs_1",
        summary: [{ type: "summary_text", text: "a" }, { type: "summary_text", text: "b" }],
        encrypted_content: "gAAA",
      },
    ],
  });
  assert.deepEqual(req.messages[1].content, [
    { type: "reasoning", text: "a\n\nb", id: "rs_1", encryptedContent: "gAAA" },
  ]);
});

Deno.test("a reasoning item carrying a Plexus-wrapped signature gives the signature back", () => {
  const req = decode({
    model: "m",
    input: [{
      type: "reasoning",
      id: "rs_x",
      summary: [{ type: "summary_text", text: "thinking" }],
      encrypted_content: "plexus.signature.EqQBCkYIBxgC",
    }],
  });
  assert.deepEqual(req.messages[0].content, [
    {
      type: "reasoning",
      text: "thinking",
      id: "rs_x",
      signature: "EqQBCkYIBxgC",
      family: "anthropic",
    },
  ]);
});

Deno.test("options map to the unified request", () => {
  const req = decode({
    model: "m",
    input: "x",
    stream: true,
    store: true,
    max_output_tokens: 300,
    temperature: 0.2,
    top_p: 0.9,
    parallel_tool_calls: false,
    tool_choice: { type: "function", name: "lookup" },
    tools: [{
      type: "function",
      name: "lookup",
      description: "Look up",
      parameters: { type: "object", properties: { q: { type: "string" } } },
      strict: true,
    }],
    reasoning: { effort: "high", summary: "auto" },
    text: {
      format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true },
    },
    metadata: { team: "a" },
    user: "u-1",
  });
  assert.equal(req.stream, true);
  assert.equal(req.maxTokens, 300);
  assert.equal(req.temperature, 0.2);
  assert.equal(req.topP, 0.9);
  assert.equal(req.parallelToolCalls, false);
  assert.deepEqual(req.toolChoice, { type: "tool", name: "lookup" });
  assert.deepEqual(req.tools, [{
    name: "lookup",
    description: "Look up",
    parameters: { type: "object", properties: { q: { type: "string" } } },
    strict: true,
  }]);
  assert.deepEqual(req.reasoning, { enabled: true, effort: "high" });
  assert.deepEqual(req.responseFormat, {
    type: "json_schema",
    name: "out",
    schema: { type: "object" },
    strict: true,
  });
  assert.deepEqual(req.metadata, { team: "a" });
  assert.equal(req.user, "u-1");
});

Deno.test("reasoning effort none turns reasoning off", () => {
  assert.deepEqual(decode({ model: "m", input: "x", reasoning: { effort: "none" } }).reasoning, {
    enabled: false,
  });
});

Deno.test("state left in the body is named as state only its provider can supply", () => {
  const decode = (body: Record<string, unknown>) =>
    responsesCodec.toUnifiedRequest({ model: "m", input: "x", ...body }, {}).providerState;
  assert.deepEqual(decode({ previous_response_id: "resp_1" }), {
    kind: "previous_response",
    id: "resp_1",
  });
  assert.deepEqual(decode({ conversation: { id: "conv_1" } }), {
    kind: "conversation",
    id: "conv_1",
  });
  assert.deepEqual(decode({ input: [{ type: "item_reference", id: "msg_1" }] }), {
    kind: "item",
    id: "msg_1",
  });
  assert.equal(decode({}), undefined);
  rejects({ model: "m", input: "x", previous_response_id: 5 }, "previous_response_id", /string/);
});

Deno.test("a missing input is a 400 naming input", () => {
  rejects({ model: "m" }, "input", /^input: required/);
});

Deno.test("namespace and custom tools become functions the client's codec can map back", () => {
  const request = responsesCodec.toUnifiedRequest({
    model: "m",
    input: "x",
    tools: [
      {
        type: "namespace",
        name: "crm",
        description: "CRM tools",
        tools: [{ type: "function", name: "find", parameters: { type: "object" } }],
      },
      { type: "custom", name: "apply_patch", format: { type: "text" } },
      { type: "web_search_preview", filters: { allowed_domains: ["a.org"] } },
      { type: "file_search", vector_store_ids: ["vs_1"] },
    ],
    tool_choice: { type: "function", name: "find", namespace: "crm" },
  }, {});
  assert.deepEqual(request.tools?.map((t) => [t.name, t.client]), [
    ["crm__find", { name: "find", namespace: "crm" }],
    ["apply_patch", { name: "apply_patch", custom: true }],
  ]);
  assert.deepEqual(request.tools?.[1].parameters.required, ["input"]);
  assert.deepEqual(request.hostedTools, [
    { kind: "web_search", wireType: "web_search_preview", allowedDomains: ["a.org"] },
    { kind: "other", wireType: "file_search" },
  ]);
  assert.deepEqual(request.toolChoice, { type: "tool", name: "crm__find" });
});

Deno.test("a namespace without a tools array is a 400 naming the tools field", () => {
  rejects(
    { model: "m", input: "x", tools: [{ type: "namespace", name: "crm" }] },
    "tools",
    /tools\[0\]\.tools: expected an array/,
  );
});

Deno.test("bad content is a 400 naming the first bad item", () => {
  rejects(
    { model: "m", input: [{ role: "user", content: "ok" }, { role: "user", content: 5 }] },
    "input",
    /^input\[1\]\.content: expected a string or an array of content parts/,
  );
  rejects(
    { model: "m", input: [{ role: "user", content: [{ type: "input_image", file_id: "f" }] }] },
    "input",
    /file_id/,
  );
  rejects({ model: "m", input: "x", tool_choice: "sometimes" }, "tool_choice", /tool_choice/);
  rejects({ model: "m", input: "x", max_output_tokens: 0 }, "max_output_tokens", /positive/);
});
