/** Synthetic answers in the documented shape, for cases no recording covers. */
import assert from "node:assert/strict";
import { geminiCodec } from "../../../src/codecs/gemini/mod.ts";
import { GatewayError } from "../../../src/codecs/unified.ts";
import { baseRequest } from "./helpers.ts";

function answer(parts: unknown[], finishReason = "STOP", usage: unknown = undefined): unknown {
  return {
    candidates: [{ content: { role: "model", parts }, finishReason, index: 0 }],
    usageMetadata: usage,
    modelVersion: "gemini-2.5-flash",
    responseId: "resp-1",
  };
}

Deno.test("parallel function calls get distinct ids and whole arguments (synthetic)", () => {
  const response = geminiCodec.toUnifiedResponse(
    answer([
      { text: "Checking." },
      { functionCall: { name: "weather", args: { city: "A" } } },
      { functionCall: { name: "weather", args: { city: "B" } } },
      { functionCall: { name: "noop" } },
    ]),
    baseRequest(),
  );
  assert.equal(response.stopReason, "tool_use");
  assert.deepEqual(response.content, [
    { type: "text", text: "Checking." },
    { type: "tool_call", id: "call_resp-1_0", name: "weather", arguments: '{"city":"A"}' },
    { type: "tool_call", id: "call_resp-1_1", name: "weather", arguments: '{"city":"B"}' },
    { type: "tool_call", id: "call_resp-1_2", name: "noop", arguments: "{}" },
  ]);
});

Deno.test("usage: cached content counts as cache reads, thoughts join the output (synthetic)", () => {
  const response = geminiCodec.toUnifiedResponse(
    answer([{ text: "x" }], "STOP", {
      promptTokenCount: 1000,
      cachedContentTokenCount: 800,
      candidatesTokenCount: 20,
      thoughtsTokenCount: 30,
      totalTokenCount: 1050,
    }),
    baseRequest(),
  );
  assert.deepEqual(response.usage, {
    inputTokens: 1000,
    outputTokens: 50,
    cacheReadTokens: 800,
    cacheWriteTokens: 0,
    reasoningTokens: 30,
  });
});

Deno.test("finish reasons map to unified stop reasons", () => {
  const stop = (reason: string) =>
    geminiCodec.toUnifiedResponse(answer([{ text: "x" }], reason), baseRequest()).stopReason;
  assert.equal(stop("STOP"), "end_turn");
  assert.equal(stop("MAX_TOKENS"), "max_tokens");
  for (const reason of ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"]) {
    assert.equal(stop(reason), "content_filter", reason);
  }
  assert.equal(stop("MALFORMED_FUNCTION_CALL"), "end_turn");
  assert.equal(stop("OTHER"), "error");
});

Deno.test("thought parts become reasoning with their signature, separate from the answer", () => {
  const response = geminiCodec.toUnifiedResponse(
    answer([
      { text: "Let me ", thought: true },
      { text: "think.", thought: true, thoughtSignature: "RS" },
      { text: "Done." },
    ]),
    baseRequest(),
  );
  assert.deepEqual(response.content, [
    { type: "reasoning", text: "Let me think.", signature: "RS", family: "gemini" },
    { type: "text", text: "Done." },
  ]);
});

Deno.test("an error body is thrown as a gateway error with Gemini's status and message", () => {
  assert.throws(
    () =>
      geminiCodec.toUnifiedResponse(
        { error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } },
        baseRequest(),
      ),
    (error: unknown) =>
      error instanceof GatewayError && error.kind === "rate_limit" && error.status === 429 &&
      error.message === "Quota exceeded",
  );
});

Deno.test("a JSON-array body (stream without alt=sse) reads as one answer", () => {
  const response = geminiCodec.toUnifiedResponse(
    [
      { candidates: [{ content: { parts: [{ text: "Hel" }] } }], responseId: "r" },
      { candidates: [{ content: { parts: [{ text: "lo" }] }, finishReason: "MAX_TOKENS" }] },
    ],
    baseRequest(),
  );
  assert.deepEqual(response.content, [{ type: "text", text: "Hello" }]);
  assert.equal(response.stopReason, "max_tokens");
  assert.equal(response.id, "r");
});

Deno.test("upstream error messages: JSON bodies give their message, others a generic text", () => {
  assert.equal(
    geminiCodec.upstreamErrorMessage(
      403,
      '[{"error":{"code":403,"message":"API key not valid","status":"PERMISSION_DENIED"}}]',
    ),
    "API key not valid",
  );
  const generic = geminiCodec.upstreamErrorMessage(502, "<html>Bad Gateway</html>");
  assert.equal(generic.includes("<html>"), false);
  assert.match(generic, /502/);
});
