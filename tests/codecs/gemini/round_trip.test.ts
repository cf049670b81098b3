/**
 * Round trips through the Gemini codec's own encoders and decoders: what a Gemini client is sent
 * must read back as the unified answer it came from, streamed or not.
 */
import assert from "node:assert/strict";
import { geminiCodec } from "../../../src/codecs/gemini/mod.ts";
import { responseFromEvents } from "../../../src/codecs/events_to_response.ts";
import type { StreamEvent, UnifiedResponse } from "../../../src/codecs/unified.ts";
import { decodePieces, splitEvery, streamEventsFor } from "../helpers.ts";
import { baseRequest, fixtureNames, sseBytes } from "./helpers.ts";

const RICH: UnifiedResponse = {
  id: "resp-42",
  model: "gemini-3-pro-preview",
  created: 1_700_000_000,
  content: [
    {
      type: "reasoning",
      text: "The user wants weather for two cities.",
      signature: "RSIG",
      family: "gemini",
    },
    { type: "text", text: "Let me look both up.", signature: "TSIG" },
    { type: "tool_call", id: "a", name: "weather", arguments: '{"city":"Paris"}', signature: "C1" },
    { type: "tool_call", id: "b", name: "weather", arguments: '{"city":"Rome","days":[1,2]}' },
  ],
  stopReason: "tool_use",
  usage: {
    inputTokens: 1200,
    outputTokens: 300,
    cacheReadTokens: 1000,
    cacheWriteTokens: 0,
    reasoningTokens: 120,
  },
};

const PLAIN: UnifiedResponse = {
  id: "resp-7",
  model: "gemini-2.5-flash",
  created: 1_700_000_000,
  content: [{ type: "text", text: "Hello there, how are you today?" }],
  stopReason: "max_tokens",
  usage: {
    inputTokens: 12,
    outputTokens: 8,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  },
};

function encode(events: StreamEvent[], sse: boolean): string {
  const encoder = geminiCodec.createStreamEncoder({ request: baseRequest(), requestId: "q", sse });
  return events.map((event) => encoder.push(event)).join("") + encoder.end();
}

/** Tool call ids are minted by the Gemini decoder, so compare everything else. */
function withoutCallIds(response: UnifiedResponse): unknown {
  return {
    ...response,
    created: 0,
    content: response.content.map((part) => part.type === "tool_call" ? { ...part, id: "" } : part),
  };
}

for (const original of [RICH, PLAIN]) {
  Deno.test(`our SSE stream decodes back to the answer it came from (${original.id})`, () => {
    const bytes = encode(streamEventsFor(original, 5), true);
    for (const pieces of [[bytes], splitEvery(bytes, 11)]) {
      const decoded = responseFromEvents(
        decodePieces(geminiCodec.createStreamDecoder(baseRequest({ stream: true })), pieces),
      );
      assert.deepEqual(withoutCallIds(decoded), withoutCallIds(original));
    }
  });

  Deno.test(`our JSON-array stream reads back as the same answer (${original.id})`, () => {
    const body: unknown = JSON.parse(encode(streamEventsFor(original, 5), false));
    const decoded = geminiCodec.toUnifiedResponse(body, baseRequest());
    assert.deepEqual(withoutCallIds(decoded), withoutCallIds(original));
  });

  Deno.test(`streamed deltas joined equal the non-streamed answer (${original.id})`, () => {
    const whole = geminiCodec.toUnifiedResponse(
      geminiCodec.fromUnifiedResponse(original, { request: baseRequest(), requestId: "q" }),
      baseRequest(),
    );
    const streamed = responseFromEvents(
      decodePieces(geminiCodec.createStreamDecoder(baseRequest({ stream: true })), [
        encode(streamEventsFor(original, 5), true),
      ]),
    );
    assert.deepEqual(withoutCallIds(streamed), withoutCallIds(whole));
    assert.deepEqual(withoutCallIds(whole), withoutCallIds(original));
  });
}

for (const name of fixtureNames().filter((n) => n.endsWith(".chunks.txt"))) {
  Deno.test(`recorded stream ${name} survives re-encoding for a Gemini client`, () => {
    const request = baseRequest({ stream: true });
    const upstream = decodePieces(geminiCodec.createStreamDecoder(request), [sseBytes(name)]);
    const reencoded = encode(upstream, true);
    const again = decodePieces(geminiCodec.createStreamDecoder(request), [reencoded]);
    assert.deepEqual(
      withoutCallIds(responseFromEvents(again)),
      withoutCallIds(responseFromEvents(upstream)),
    );
  });
}
