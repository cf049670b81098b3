import assert from "node:assert/strict";
import { geminiCodec } from "../../../src/codecs/gemini/mod.ts";
import { GatewayError, type UnifiedResponse } from "../../../src/codecs/unified.ts";
import { baseRequest } from "./helpers.ts";

const ctx = { request: baseRequest(), requestId: "req-1" };

function response(overrides: Partial<UnifiedResponse> = {}): UnifiedResponse {
  return {
    id: "resp-9",
    model: "claude-x",
    content: [{ type: "text", text: "Hi" }],
    stopReason: "end_turn",
    usage: {
      inputTokens: 100,
      outputTokens: 40,
      cacheReadTokens: 60,
      cacheWriteTokens: 0,
      reasoningTokens: 15,
    },
    created: 1,
    ...overrides,
  };
}

Deno.test("an answer is a GenerateContentResponse with the model and id shown to the client", () => {
  assert.deepEqual(geminiCodec.fromUnifiedResponse(response(), ctx), {
    candidates: [{
      content: { role: "model", parts: [{ text: "Hi" }] },
      finishReason: "STOP",
      index: 0,
    }],
    usageMetadata: {
      promptTokenCount: 100,
      candidatesTokenCount: 25,
      totalTokenCount: 140,
      cachedContentTokenCount: 60,
      thoughtsTokenCount: 15,
    },
    modelVersion: "claude-x",
    responseId: "resp-9",
  });
});

Deno.test("candidatesTokenCount excludes thoughts so the total still adds up", () => {
  const body = geminiCodec.fromUnifiedResponse(response(), ctx) as {
    usageMetadata: Record<string, number>;
  };
  const usage = body.usageMetadata;
  assert.equal(
    usage.totalTokenCount,
    usage.promptTokenCount + usage.candidatesTokenCount + usage.thoughtsTokenCount,
  );
});

Deno.test("stop reasons map to Gemini finish reasons", () => {
  const finish = (stopReason: UnifiedResponse["stopReason"]) =>
    (geminiCodec.fromUnifiedResponse(response({ stopReason }), ctx) as {
      candidates: Array<{ finishReason: string }>;
    }).candidates[0].finishReason;
  assert.equal(finish("end_turn"), "STOP");
  assert.equal(finish("tool_use"), "STOP");
  assert.equal(finish("stop_sequence"), "STOP");
  assert.equal(finish("max_tokens"), "MAX_TOKENS");
  assert.equal(finish("content_filter"), "SAFETY");
  assert.equal(finish("refusal"), "SAFETY");
  assert.equal(finish("error"), "OTHER");
});

Deno.test("reasoning, signed text and tool calls keep their order and signatures", () => {
  const body = geminiCodec.fromUnifiedResponse(
    response({
      content: [
        { type: "reasoning", text: "hmm", signature: "R" },
        { type: "reasoning", text: "", encryptedContent: "opaque" },
        { type: "text", text: "Calling.", signature: "T" },
        { type: "tool_call", id: "x", name: "f", arguments: '{"a":[1]}', signature: "C" },
        { type: "tool_call", id: "y", name: "g", arguments: "" },
      ],
      stopReason: "tool_use",
    }),
    ctx,
  ) as { candidates: Array<{ content: { parts: unknown[] } }> };
  assert.deepEqual(body.candidates[0].content.parts, [
    { text: "hmm", thought: true, thoughtSignature: "R" },
    { text: "Calling.", thoughtSignature: "T" },
    { functionCall: { name: "f", args: { a: [1] }, id: "x" }, thoughtSignature: "C" },
    { functionCall: { name: "g", args: {}, id: "y" } },
  ]);
});

Deno.test("errors render as Gemini error bodies with the gRPC status name", () => {
  const render = (error: GatewayError) => geminiCodec.renderError(error);
  assert.deepEqual(render(new GatewayError("invalid_request", "bad")), {
    error: { code: 400, message: "bad", status: "INVALID_ARGUMENT" },
  });
  assert.deepEqual(render(new GatewayError("authentication", "who")), {
    error: { code: 401, message: "who", status: "UNAUTHENTICATED" },
  });
  assert.deepEqual(render(new GatewayError("rate_limit", "slow")), {
    error: { code: 429, message: "slow", status: "RESOURCE_EXHAUSTED" },
  });
  assert.deepEqual(render(new GatewayError("timeout", "late")), {
    error: { code: 504, message: "late", status: "DEADLINE_EXCEEDED" },
  });
  assert.deepEqual(render(new GatewayError("unavailable", "down")), {
    error: { code: 503, message: "down", status: "UNAVAILABLE" },
  });
  assert.deepEqual(render(new GatewayError("api_error", "oops")), {
    error: { code: 500, message: "oops", status: "INTERNAL" },
  });
});
