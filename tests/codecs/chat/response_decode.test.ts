import assert from "node:assert/strict";
import { toUnifiedResponse } from "../../../src/codecs/chat/response_decode.ts";
import { upstreamErrorMessage } from "../../../src/codecs/openai_errors.ts";
import { GatewayError, type UnifiedResponse, type Usage } from "../../../src/codecs/unified.ts";
import { fixtureNames, readFixture, request } from "./helpers.ts";

const req = request({ model: "alias", stream: false });

interface SuccessExpectation {
  id: string;
  model: string;
  textStart: string;
  textEnd: string;
  reasoningStart?: string;
  toolCalls?: Array<{ id: string; name: string; args: unknown }>;
  stopReason: UnifiedResponse["stopReason"];
  usage: Usage;
}

/** Read by hand from each recorded body in fixtures/recorded/chat. */
const SUCCESSES: Record<string, SuccessExpectation> = {
  "deepseek-json.json": {
    id: "f03bc170-b375-4561-9685-35182c8152c5",
    model: "deepseek-reasoner",
    textStart: '{\n  "location": "San Francisco"',
    textEnd: '"temperature": 7\n}',
    reasoningStart: "I have the result from the weather tool.",
    stopReason: "end_turn",
    usage: {
      inputTokens: 495,
      outputTokens: 144,
      cacheReadTokens: 320,
      cacheWriteTokens: 0,
      reasoningTokens: 118,
    },
  },
  "deepseek-reasoning.json": {
    id: "945bb10c-9bf3-47ff-a2a2-43bbe9705c72",
    model: "deepseek-reasoner",
    textStart: 'The word "strawberry" contains three',
    textEnd: 'before the "y".',
    reasoningStart: "We are asked:",
    stopReason: "end_turn",
    usage: {
      inputTokens: 18,
      outputTokens: 345,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 315,
    },
  },
  "deepseek-text.json": {
    id: "00f10ecd-60b3-4707-b5db-e4bcadf7aea1",
    model: "deepseek-chat",
    textStart: "## **Holiday Name: Gratitude of Small Things Day",
    textEnd: "people exchange",
    stopReason: "max_tokens",
    usage: {
      inputTokens: 13,
      outputTokens: 300,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
  },
  "deepseek-tool-call.json": {
    id: "7a630f5b-b7e6-4878-82f8-d77db164d42b",
    model: "deepseek-reasoner",
    textStart: "",
    textEnd: "",
    reasoningStart: "The user is asking for the weather in San Francisco.",
    toolCalls: [{
      id: "call_00_9V0vrf86Pc9aelHCJMZqnJBo",
      name: "weather",
      args: { location: "San Francisco" },
    }],
    stopReason: "tool_use",
    usage: {
      inputTokens: 339,
      outputTokens: 92,
      cacheReadTokens: 320,
      cacheWriteTokens: 0,
      reasoningTokens: 48,
    },
  },
  "issue-8132-long-tool-call-id.json": {
    id: "chatcmpl-E1pM8f3R7mTNOR0nc3JsNVewLODyz",
    model: "gpt-4o-mini-2024-07-18",
    textStart: "OpenAI API Documentation",
    textEnd: "Documentation",
    stopReason: "end_turn",
    usage: {
      inputTokens: 72,
      outputTokens: 4,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
  },
  "openai-text.json": {
    id: "chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU",
    model: "gpt-4.1-nano-2025-04-14",
    textStart: "**Holiday Name:** Galaxy Day",
    textEnd: "dream beyond our world.",
    stopReason: "end_turn",
    usage: {
      inputTokens: 16,
      outputTokens: 363,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
  },
};

/** Error bodies and the message a client should see. */
const ERRORS: Record<string, string> = {
  "reasoning-model-legacy-parameter-error.json":
    "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
  "qwen-plus-malformed-replayed-tool-arguments-error.json":
    '<400> InternalError.Algo.InvalidParameter: The "function.arguments" parameter of the code model must be in JSON format.',
};

Deno.test("every recorded chat .json fixture has an expectation in this test", () => {
  const known = new Set([...Object.keys(SUCCESSES), ...Object.keys(ERRORS)]);
  for (const name of fixtureNames(".json")) {
    assert.ok(known.has(name), `no expectation for ${name}`);
  }
  assert.equal(fixtureNames(".json").length, known.size);
});

for (const [name, expected] of Object.entries(SUCCESSES)) {
  Deno.test(`recorded ${name} decodes to the same text, reasoning, tool calls, stop and usage`, () => {
    const res = toUnifiedResponse(JSON.parse(readFixture(name)), req);
    assert.equal(res.id, expected.id);
    assert.equal(res.model, expected.model);
    const text = res.content.flatMap((p) => p.type === "text" ? [p.text] : []).join("");
    assert.ok(text.startsWith(expected.textStart), `text starts with ${expected.textStart}`);
    assert.ok(text.endsWith(expected.textEnd), `text ends with ${expected.textEnd}`);
    const reasoning = res.content.flatMap((p) => p.type === "reasoning" ? [p.text] : []).join("");
    if (expected.reasoningStart === undefined) assert.equal(reasoning, "");
    else assert.ok(reasoning.startsWith(expected.reasoningStart));
    const calls = res.content.flatMap((p) => p.type === "tool_call" ? [p] : []);
    assert.deepEqual(
      calls.map((c) => ({ id: c.id, name: c.name, args: JSON.parse(c.arguments) })),
      expected.toolCalls ?? [],
    );
    assert.equal(res.stopReason, expected.stopReason);
    assert.deepEqual(res.usage, expected.usage);
    assert.ok(res.created > 1_700_000_000);
  });
}

for (const [name, message] of Object.entries(ERRORS)) {
  Deno.test(`recorded error ${name} yields its message for the client`, () => {
    assert.equal(upstreamErrorMessage(400, readFixture(name)), message);
    // The wire body is compact JSON; the message must not depend on formatting.
    const compact = JSON.stringify(JSON.parse(readFixture(name)));
    assert.equal(upstreamErrorMessage(400, compact), message);
  });
}

Deno.test("reasoning comes before text, and text before tool calls", () => {
  const res = toUnifiedResponse(JSON.parse(readFixture("deepseek-tool-call.json")), req);
  assert.deepEqual(res.content.map((p) => p.type), ["reasoning", "tool_call"]);
  const json = toUnifiedResponse(JSON.parse(readFixture("deepseek-json.json")), req);
  assert.deepEqual(json.content.map((p) => p.type), ["reasoning", "text"]);
});

function body(message: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1_750_000_000,
    model: "m",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: "stop" }],
    ...extra,
  };
}

Deno.test("a refusal becomes text with stop reason refusal", () => {
  const res = toUnifiedResponse(body({ content: null, refusal: "I can't help with that." }), req);
  assert.deepEqual(res.content, [{ type: "text", text: "I can't help with that." }]);
  assert.equal(res.stopReason, "refusal");
});

Deno.test("tool calls answered with finish_reason stop still stop for tool use", () => {
  const res = toUnifiedResponse(
    body({
      content: null,
      tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "" } }],
    }),
    req,
  );
  assert.equal(res.stopReason, "tool_use");
  assert.deepEqual(res.content, [{ type: "tool_call", id: "c", name: "f", arguments: "{}" }]);
});

Deno.test("finish reasons length and content_filter map to max_tokens and content_filter", () => {
  const make = (finish: string) => ({
    ...body({ content: "x" }),
    choices: [{ index: 0, message: { role: "assistant", content: "x" }, finish_reason: finish }],
  });
  assert.equal(toUnifiedResponse(make("length"), req).stopReason, "max_tokens");
  assert.equal(toUnifiedResponse(make("content_filter"), req).stopReason, "content_filter");
});

Deno.test("OpenRouter reasoning_details give reasoning parts with signatures and encrypted data", () => {
  const res = toUnifiedResponse(
    body({
      content: "ok",
      reasoning: "Thinking.",
      reasoning_details: [
        { type: "reasoning.text", text: "Thinking.", signature: "EqQBCkYI" },
        {
          type: "reasoning.summary",
          summary: "Summary.",
          id: "rs_1",
          format: "openai-responses-v1",
        },
        { type: "reasoning.encrypted", data: "gAAAA", id: "rs_1", format: "openai-responses-v1" },
      ],
    }),
    req,
  );
  assert.deepEqual(res.content, [
    { type: "reasoning", text: "Thinking.", signature: "EqQBCkYI" },
    { type: "reasoning", text: "Summary.", id: "rs_1", encryptedContent: "gAAAA" },
    { type: "text", text: "ok" },
  ]);
});

Deno.test("cache writes and cache hits reported under other names are read", () => {
  const withWrites = toUnifiedResponse(
    body({ content: "x" }, {
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 10,
        total_tokens: 1010,
        prompt_tokens_details: { cached_tokens: 200, cache_write_tokens: 700 },
      },
    }),
    req,
  );
  assert.equal(withWrites.usage.cacheReadTokens, 200);
  assert.equal(withWrites.usage.cacheWriteTokens, 700);
  const deepseekOnly = toUnifiedResponse(
    body({ content: "x" }, {
      usage: { prompt_tokens: 50, completion_tokens: 5, prompt_cache_hit_tokens: 40 },
    }),
    req,
  );
  assert.equal(deepseekOnly.usage.cacheReadTokens, 40);
});

Deno.test("an error object in a 200 body becomes a GatewayError of the matching kind", () => {
  assert.throws(
    () => toUnifiedResponse({ error: { message: "slow down", type: "rate_limit_error" } }, req),
    (err: unknown) => err instanceof GatewayError && err.kind === "rate_limit",
  );
});

Deno.test("a body without choices is a bad gateway, not a crash", () => {
  assert.throws(
    () => toUnifiedResponse({ id: "x", choices: [] }, req),
    (err: unknown) => err instanceof GatewayError && err.kind === "bad_gateway",
  );
});
