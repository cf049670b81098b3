/**
 * Round trips through this codec's own encoders and decoders, and through the official OpenAI
 * SDK, which validates item identity and event order strictly.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { responsesCodec } from "../../../src/codecs/responses/mod.ts";
import type { EncodeContext } from "../../../src/codecs/codec.ts";
import type { UnifiedResponse } from "../../../src/codecs/unified.ts";
import { parseSse, streamEventsFor } from "../helpers.ts";
import { baseRequest, decodeAll, summarize } from "./helpers.ts";

const ctx: EncodeContext = { request: baseRequest({ stream: true }), requestId: "req-7" };

const answer: UnifiedResponse = {
  id: "resp_abc",
  model: "gpt-5",
  content: [
    { type: "reasoning", text: "Let me think.", id: "rs_up", encryptedContent: "gAAAblob" },
    { type: "text", text: "The answer is 42." },
    { type: "tool_call", id: "call_1", name: "check", arguments: '{"n":42}' },
    { type: "tool_call", id: "call_2", name: "log", arguments: '{"msg":"done"}' },
  ],
  stopReason: "tool_use",
  usage: {
    inputTokens: 120,
    outputTokens: 60,
    cacheReadTokens: 100,
    cacheWriteTokens: 0,
    reasoningTokens: 20,
  },
  created: 1700000000,
};

function encodedStream(res: UnifiedResponse): string {
  const enc = responsesCodec.createStreamEncoder(ctx);
  return streamEventsFor(res, 4).map((e) => enc.push(e)).join("") + enc.end();
}

Deno.test("decoding our own stream gives back the content, usage and stop reason", () => {
  const wire = encodedStream(answer);
  for (const size of [wire.length, 13]) {
    const s = summarize(
      decodeAll(responsesCodec.createStreamDecoder(ctx.request), parseSse(wire, size)),
    );
    assert.equal(s.reasoning, "Let me think.");
    assert.equal(s.text, "The answer is 42.");
    assert.deepEqual(s.toolCalls.map((t) => [t.id, t.name, t.arguments]), [
      ["call_1", "check", '{"n":42}'],
      ["call_2", "log", '{"msg":"done"}'],
    ]);
    assert.equal(s.encrypted.length, 1);
    assert.equal(s.encrypted[0].encryptedContent, "gAAAblob");
    assert.equal(s.stopReason, "tool_use");
    assert.deepEqual(s.usage, answer.usage);
  }
});

Deno.test("streamed deltas joined equal the non-streamed answer", () => {
  const nonStreamed = responsesCodec.toUnifiedResponse(
    responsesCodec.fromUnifiedResponse(answer, ctx),
    ctx.request,
  );
  assert.deepEqual(nonStreamed.content, answer.content);
  assert.deepEqual(nonStreamed.usage, answer.usage);
  assert.equal(nonStreamed.stopReason, "tool_use");
  const s = summarize(
    decodeAll(responsesCodec.createStreamDecoder(ctx.request), parseSse(encodedStream(answer))),
  );
  const text = nonStreamed.content.filter((p) => p.type === "text").map((p) => p.text).join("");
  assert.equal(s.text, text);
});

function sdkClient(body: string, contentType: string): OpenAI {
  return new OpenAI({
    apiKey: "test",
    baseURL: "http://plexus.invalid/v1",
    fetch: () => Promise.resolve(new Response(body, { headers: { "content-type": contentType } })),
  });
}

Deno.test("the official OpenAI SDK accepts our stream and computes output_text from it", async () => {
  const client = sdkClient(encodedStream(answer), "text/event-stream");
  const stream = client.responses.stream({ model: "gpt-5", input: "q" });
  const deltas: string[] = [];
  stream.on("response.output_text.delta", (e) => deltas.push(e.delta));
  const final = await stream.finalResponse();
  assert.equal(final.output_text, "The answer is 42.");
  assert.equal(deltas.join(""), "The answer is 42.");
  assert.deepEqual(final.output.map((o) => o.type), [
    "reasoning",
    "message",
    "function_call",
    "function_call",
  ]);
  assert.equal(final.usage?.input_tokens_details.cached_tokens, 100);
});

Deno.test("the official OpenAI SDK reads a cut-short stream as incomplete", async () => {
  const cut: UnifiedResponse = {
    ...answer,
    content: [{ type: "text", text: "partial" }],
    stopReason: "max_tokens",
  };
  const client = sdkClient(encodedStream(cut), "text/event-stream");
  const events: string[] = [];
  const stream = await client.responses.create({ model: "gpt-5", input: "q", stream: true });
  let last: unknown;
  for await (const ev of stream) {
    events.push(ev.type);
    last = ev;
  }
  assert.equal(events[events.length - 1], "response.incomplete");
  const response = (last as { response: { incomplete_details: unknown } }).response;
  assert.deepEqual(response.incomplete_details, { reason: "max_output_tokens" });
});

Deno.test("the official OpenAI SDK computes output_text from our non-streamed answer", async () => {
  const body = JSON.stringify(
    responsesCodec.fromUnifiedResponse(answer, { ...ctx, request: baseRequest() }),
  );
  const client = sdkClient(body, "application/json");
  const res = await client.responses.create({ model: "gpt-5", input: "q" });
  assert.equal(res.output_text, "The answer is 42.");
  assert.equal(res.status, "completed");
});
