/** The official Gemini SDK's own response class reads what the codec writes for Gemini clients. */
import assert from "node:assert/strict";
import { GenerateContentResponse } from "@google/genai";
import { geminiCodec } from "../../../src/codecs/gemini/mod.ts";
import type { UnifiedResponse } from "../../../src/codecs/unified.ts";
import { baseRequest } from "./helpers.ts";

const ANSWER: UnifiedResponse = {
  id: "resp-1",
  model: "gemini-2.5-pro",
  created: 1,
  content: [
    { type: "reasoning", text: "private musing", signature: "R" },
    { type: "text", text: "Checking the weather." },
    { type: "tool_call", id: "c1", name: "weather", arguments: '{"city":"Oslo"}' },
  ],
  stopReason: "tool_use",
  usage: {
    inputTokens: 50,
    outputTokens: 30,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 10,
  },
};

function asSdkResponse(body: unknown): GenerateContentResponse {
  return Object.assign(new GenerateContentResponse(), body);
}

Deno.test("the Gemini SDK reads the answer text without thoughts, the calls and the usage", () => {
  const body = geminiCodec.fromUnifiedResponse(ANSWER, { request: baseRequest(), requestId: "q" });
  const sdk = asSdkResponse(body);
  const warn = console.warn;
  console.warn = () => {}; // the SDK warns that non-text parts exist; that is expected here
  try {
    assert.equal(sdk.text, "Checking the weather.");
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(sdk.functionCalls, [{ name: "weather", args: { city: "Oslo" }, id: "c1" }]);
  assert.equal(sdk.usageMetadata?.candidatesTokenCount, 20);
  assert.equal(sdk.usageMetadata?.thoughtsTokenCount, 10);
  assert.equal(sdk.responseId, "resp-1");
});

Deno.test("the Gemini SDK reads each streamed SSE chunk's text", () => {
  const encoder = geminiCodec.createStreamEncoder({
    request: baseRequest(),
    requestId: "q",
    sse: true,
  });
  const text = encoder.push({ type: "start", id: "r", model: "m", created: 1 }) +
    encoder.push({ type: "text_delta", text: "Hel" }) +
    encoder.push({ type: "text_delta", text: "lo" }) +
    encoder.push({ type: "finish", stopReason: "end_turn" }) + encoder.end();
  const chunks = text.split("\n\n").filter((frame) => frame !== "")
    .map((frame) => asSdkResponse(JSON.parse(frame.slice("data: ".length))));
  assert.equal(chunks.map((chunk) => chunk.text ?? "").join(""), "Hello");
  assert.equal(chunks[chunks.length - 1].candidates?.[0].finishReason, "STOP");
});
