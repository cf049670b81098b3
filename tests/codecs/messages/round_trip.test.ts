/**
 * Round trips through this codec's own encoder and decoder, and the check that a streamed
 * answer, accumulated as the official SDK does, equals the non-streamed body.
 */
import assert from "node:assert/strict";
import { messagesCodec } from "../../../src/codecs/messages/mod.ts";
import type { StreamEvent, UnifiedResponse } from "../../../src/codecs/unified.ts";
import { namedEventFrames, parseFrames, streamEventsFor } from "../helpers.ts";
import {
  baseRequest,
  decodeSse,
  encodeContext,
  fixtureNames,
  foldEvents,
  readFixture,
} from "./helpers.ts";

function encodeStream(events: StreamEvent[]): string {
  const encoder = messagesCodec.createStreamEncoder(encodeContext());
  return events.map((event) => encoder.push(event)).join("") + encoder.end();
}

/** Accumulate an Anthropic stream into a Message, the way the official SDK's MessageStream does. */
function accumulateMessage(sseText: string): Record<string, unknown> {
  let message: Record<string, unknown> = {};
  const blocks: Array<Record<string, unknown>> = [];
  const json = new Map<number, string>();
  for (const { event, data } of parseFrames(sseText)) {
    assert.equal(event, data.type, "the SSE event name matches the data type");
    const index = data.index as number;
    if (data.type === "message_start") {
      message = structuredClone(data.message as Record<string, unknown>);
    } else if (data.type === "content_block_start") {
      blocks[index] = structuredClone(data.content_block as Record<string, unknown>);
    } else if (data.type === "content_block_delta") {
      const delta = data.delta as Record<string, string>;
      const block = blocks[index];
      if (delta.type === "text_delta") block.text += delta.text;
      if (delta.type === "thinking_delta") block.thinking += delta.thinking;
      if (delta.type === "signature_delta") block.signature = delta.signature;
      if (delta.type === "input_json_delta") {
        json.set(index, (json.get(index) ?? "") + delta.partial_json);
      }
    } else if (data.type === "content_block_stop") {
      if (json.has(index)) blocks[index].input = JSON.parse(json.get(index)!);
    } else if (data.type === "message_delta") {
      Object.assign(message, data.delta);
      message.usage = { ...(message.usage as object), ...(data.usage as object) };
    }
  }
  message.content = blocks;
  return message;
}

const SYNTHETIC: UnifiedResponse = {
  id: "msg_synthetic",
  model: "alias",
  created: 1,
  content: [
    {
      type: "reasoning",
      text: "Let me think about the weather in two cities.",
      signature: "SIG==",
      family: "anthropic",
    },
    { type: "reasoning", text: "", redactedData: "REDACTED" },
    { type: "text", text: "Checking both cities in parallel." },
    { type: "tool_call", id: "toolu_a", name: "weather", arguments: '{"city":"Paris","unit":"C"}' },
    { type: "tool_call", id: "toolu_b", name: "weather", arguments: '{"city":"Oslo"}' },
    { type: "tool_call", id: "toolu_c", name: "clock", arguments: "{}" },
  ],
  stopReason: "tool_use",
  usage: {
    inputTokens: 1000,
    outputTokens: 300,
    cacheReadTokens: 700,
    cacheWriteTokens: 200,
    reasoningTokens: 40,
  },
};

function comparable(
  res: Pick<UnifiedResponse, "content" | "usage"> & { stopReason?: string },
) {
  return { content: res.content, usage: res.usage, stopReason: res.stopReason };
}

function jsonFixtureResponses(): Array<[string, UnifiedResponse]> {
  return fixtureNames()
    .filter((name) => name.endsWith(".json") && !name.includes("error"))
    .map((
      name,
    ) => [name, messagesCodec.toUnifiedResponse(JSON.parse(readFixture(name)), baseRequest())]);
}

for (
  const [name, res] of [["synthetic parallel tools", SYNTHETIC], ...jsonFixtureResponses()] as const
) {
  Deno.test(`${name}: decoding our own encoded stream gives back the same answer`, () => {
    const folded = foldEvents(decodeSse(encodeStream(streamEventsFor(res, 5))));
    assert.equal(folded.id, res.id);
    assert.deepEqual(comparable(folded), comparable(res));
  });

  Deno.test(`${name}: the streamed answer accumulated like the SDK equals the non-streamed body`, () => {
    const streamed = accumulateMessage(encodeStream(streamEventsFor(res, 5)));
    const body = messagesCodec.fromUnifiedResponse(res, encodeContext()) as Record<string, unknown>;
    assert.deepEqual(streamed.content, body.content);
    assert.equal(streamed.stop_reason, body.stop_reason);
    assert.equal(streamed.stop_sequence, body.stop_sequence);
    assert.deepEqual(streamed.usage, body.usage);
    assert.equal(streamed.id, body.id);
    assert.equal(streamed.model, body.model);
  });
}

for (
  const name of fixtureNames().filter((name) => name.endsWith(".json") && !name.includes("error"))
) {
  Deno.test(`recorded body ${name} re-encodes to the same content, stop reason and usage`, () => {
    const original = JSON.parse(readFixture(name));
    const body = messagesCodec.fromUnifiedResponse(
      messagesCodec.toUnifiedResponse(original, baseRequest()),
      encodeContext(),
    ) as Record<string, unknown>;
    const strip = (blocks: Array<Record<string, unknown>>) =>
      blocks.map(({ caller: _caller, ...rest }) => rest);
    assert.deepEqual(body.content, strip(original.content));
    assert.equal(body.stop_reason, original.stop_reason);
    const usage = original.usage;
    const expected: Record<string, unknown> = {
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
    };
    if (usage.output_tokens_details) expected.output_tokens_details = usage.output_tokens_details;
    assert.deepEqual(body.usage, expected);
  });
}

for (const name of fixtureNames().filter((name) => name.endsWith(".chunks.txt"))) {
  Deno.test(`recorded stream ${name} re-encoded for an Anthropic client keeps its answer`, () => {
    const decoded = decodeSse(namedEventFrames(readFixture(name)));
    const reencoded = foldEvents(decodeSse(encodeStream(decoded)));
    const original = foldEvents(decoded);
    assert.deepEqual(reencoded.content, original.content);
    assert.equal(reencoded.stopReason, original.stopReason);
    assert.deepEqual(reencoded.usage, original.usage);
  });
}
