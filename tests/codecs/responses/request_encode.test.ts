import assert from "node:assert/strict";
import { responsesCodec } from "../../../src/codecs/responses/mod.ts";
import type { UnifiedRequest } from "../../../src/codecs/unified.ts";

const target = { model: "gpt-5-mini", defaultMaxTokens: 4096 };

function encode(req: Partial<UnifiedRequest>) {
  return responsesCodec.fromUnifiedRequest(
    { model: "alias", messages: [], stream: false, ...req },
    target,
  );
}

Deno.test("the outbound call goes to {base}/responses with a bearer key", () => {
  assert.equal(
    responsesCodec.upstreamUrl("https://api.openai.com/v1", "m", true),
    "https://api.openai.com/v1/responses",
  );
  assert.deepEqual(responsesCodec.upstreamHeaders("sk-1"), { Authorization: "Bearer sk-1" });
  assert.deepEqual(responsesCodec.upstreamHeaders(undefined), {});
});

Deno.test("system becomes instructions and the target model replaces the alias", () => {
  const body = encode({
    system: "Be brief.",
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stream: true,
    maxTokens: 100,
    temperature: 0.5,
    topP: 0.8,
    topK: 40,
    stop: ["END"],
  });
  assert.equal(body.model, "gpt-5-mini");
  assert.equal(body.instructions, "Be brief.");
  assert.equal(body.stream, true);
  assert.equal(body.store, false);
  assert.equal(body.max_output_tokens, 100);
  assert.equal(body.temperature, 0.5);
  assert.equal(body.top_p, 0.8);
  assert.equal("top_k" in body || "stop" in body, false);
  assert.deepEqual(body.input, [
    { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
  ]);
});

Deno.test("tool calls, results and images become Responses input items in order", () => {
  const body = encode({
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Calling." },
          { type: "tool_call", id: "toolu_1", name: "a", arguments: '{"x":1}' },
          { type: "tool_call", id: "toolu_2", name: "b", arguments: "{}" },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", toolCallId: "toolu_1", content: "one" },
          {
            type: "tool_result",
            toolCallId: "toolu_2",
            content: [{ type: "text", text: "see" }, {
              type: "image",
              source: { kind: "url", url: "https://x/y.png" },
            }],
          },
          { type: "text", text: "and?" },
        ],
      },
    ],
  });
  assert.deepEqual(body.input, [
    {
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: "look" },
        { type: "input_image", image_url: "data:image/png;base64,AAA", detail: "auto" },
      ],
    },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "Calling." }] },
    { type: "function_call", call_id: "toolu_1", name: "a", arguments: '{"x":1}' },
    { type: "function_call", call_id: "toolu_2", name: "b", arguments: "{}" },
    { type: "function_call_output", call_id: "toolu_1", output: "one" },
    {
      type: "function_call_output",
      call_id: "toolu_2",
      output: [
        { type: "input_text", text: "see" },
        { type: "input_image", image_url: "https://x/y.png", detail: "auto" },
      ],
    },
    { type: "message", role: "user", content: [{ type: "input_text", text: "and?" }] },
  ]);
});

Deno.test("only OpenAI reasoning items with encrypted content are replayed upstream", () => {
  const body = encode({
    messages: [{
      role: "assistant",
      content: [
        { type: "reasoning", text: "sum", id: "rs_1", encryptedContent: "gAAA" },
        { type: "reasoning", text: "claude thinking", signature: "sig" },
        { type: "reasoning", text: "no blob", id: "rs_2" },
        { type: "text", text: "answer" },
      ],
    }],
  });
  assert.deepEqual(body.input, [
    {
      type: "reasoning",
      id: "rs_1",
      summary: [{ type: "summary_text", text: "sum" }],
      encrypted_content: "gAAA",
    },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "answer" }] },
  ]);
});

Deno.test("requested reasoning asks for encrypted content; a budget maps to an effort", () => {
  const withEffort = encode({ reasoning: { enabled: true, effort: "low" } });
  assert.deepEqual(withEffort.reasoning, { effort: "low" });
  assert.deepEqual(withEffort.include, ["reasoning.encrypted_content"]);
  assert.deepEqual(encode({ reasoning: { enabled: true, budgetTokens: 1024 } }).reasoning, {
    effort: "minimal",
  });
  assert.deepEqual(encode({ reasoning: { enabled: true, budgetTokens: 10000 } }).reasoning, {
    effort: "medium",
  });
  assert.deepEqual(encode({ reasoning: { enabled: true, budgetTokens: 20000 } }).reasoning, {
    effort: "high",
  });
  const off = encode({ reasoning: { enabled: false } });
  assert.equal("reasoning" in off || "include" in off, false);
});

Deno.test("tools are flat, tool choice and structured output use Responses shapes", () => {
  const body = encode({
    tools: [{ name: "f", description: "d", parameters: { type: "object" } }],
    toolChoice: { type: "tool", name: "f" },
    parallelToolCalls: true,
    responseFormat: { type: "json_schema", name: "r", schema: { type: "object" }, strict: true },
    user: "u",
    metadata: { k: "v" },
  });
  assert.deepEqual(body.tools, [{
    type: "function",
    name: "f",
    parameters: { type: "object" },
    description: "d",
    strict: false,
  }]);
  assert.deepEqual(body.tool_choice, { type: "function", name: "f" });
  assert.equal(body.parallel_tool_calls, true);
  assert.deepEqual(body.text, {
    format: { type: "json_schema", name: "r", schema: { type: "object" }, strict: true },
  });
  assert.equal(body.user, "u");
  assert.deepEqual(body.metadata, { k: "v" });
  assert.equal(encode({ toolChoice: { type: "required" } }).tool_choice, "required");
});

Deno.test("same-API pass-through only swaps the model", () => {
  const body = { model: "alias", input: "x", store: true, previous_response_id: null };
  const out = responsesCodec.passThrough.withModel(body, "gpt-5");
  assert.deepEqual(out, { ...body, model: "gpt-5" });
  assert.equal(body.model, "alias");
});

Deno.test("a max_tokens below 16 is raised to the Responses API minimum of 16", () => {
  // OpenAI answers 400 integer_below_min_value for max_output_tokens < 16 (e.g. the
  // max_tokens: 1 probes Anthropic clients send).
  assert.equal(encode({ maxTokens: 1 }).max_output_tokens, 16);
  assert.equal(encode({ maxTokens: 15 }).max_output_tokens, 16);
  assert.equal(encode({ maxTokens: 16 }).max_output_tokens, 16);
  assert.equal(encode({ maxTokens: 500 }).max_output_tokens, 500);
});
