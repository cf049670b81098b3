import assert from "node:assert/strict";
import { chatCodec } from "../../../src/codecs/chat/mod.ts";
import type { StreamEvent, UnifiedResponse } from "../../../src/codecs/unified.ts";
import { splitEvery, streamEventsFor } from "../helpers.ts";
import {
  chatWireText,
  decodeWire,
  encodeContext,
  fixtureNames,
  framePayloads,
  readFixture,
  request,
  summarize,
} from "./helpers.ts";

/** A response with every kind of content the chat dialect carries. */
const RESPONSE: UnifiedResponse = {
  id: "chatcmpl-rt",
  model: "upstream-model",
  content: [
    {
      type: "reasoning",
      text: "The user wants two lookups; call both tools.",
      signature: "sig/abc+=",
    },
    { type: "text", text: "Let me check both cities for you." },
    { type: "tool_call", id: "call_1", name: "weather", arguments: '{"city":"Oslo","unit":"C"}' },
    { type: "tool_call", id: "call_2", name: "weather", arguments: '{"city":"Rome"}' },
  ],
  stopReason: "tool_use",
  usage: {
    inputTokens: 900,
    outputTokens: 120,
    cacheReadTokens: 512,
    cacheWriteTokens: 64,
    reasoningTokens: 40,
  },
  created: 1_750_000_000,
};

function encodeStream(events: StreamEvent[]): string {
  const encoder = createEncoder();
  return events.map((ev) => encoder.push(ev)).join("") + encoder.end();
}

function createEncoder() {
  return chatCodec.createStreamEncoder(encodeContext({ includeUsage: true }));
}

Deno.test("decoding our own stream gives back the content, usage and stop reason we started from", () => {
  for (const size of [1, 5, 1000]) {
    const wire = encodeStream(streamEventsFor(RESPONSE, size));
    const s = summarize(decodeWire(splitEvery(wire, 17)));
    assert.equal(s.starts[0].id, RESPONSE.id);
    assert.equal(s.starts[0].model, RESPONSE.model);
    assert.equal(s.reasoning, "The user wants two lookups; call both tools.");
    assert.deepEqual(s.signatures, ["sig/abc+="]);
    assert.equal(s.text, "Let me check both cities for you.");
    assert.deepEqual(s.toolCalls.map((c) => [c.id, c.name, c.arguments, c.ended]), [
      ["call_1", "weather", '{"city":"Oslo","unit":"C"}', true],
      ["call_2", "weather", '{"city":"Rome"}', true],
    ]);
    assert.deepEqual(s.finishes, ["tool_use"]);
    assert.deepEqual(s.usage, RESPONSE.usage);
  }
});

Deno.test("a non-streamed answer encoded and decoded again is the same unified response", () => {
  const body = chatCodec.fromUnifiedResponse(RESPONSE, encodeContext({ stream: false }));
  const back = chatCodec.toUnifiedResponse(JSON.parse(JSON.stringify(body)), request());
  assert.deepEqual(back, RESPONSE);
});

/** Assembles a chat client's message from stream chunks, as the OpenAI SDK helpers do. */
function assembleMessage(wire: string) {
  let content = "";
  let reasoning = "";
  let finish: unknown = null;
  const calls: Array<{ id: string; type: string; function: { name: string; arguments: string } }> =
    [];
  for (const payload of framePayloads(wire) as Array<Record<string, unknown>>) {
    const choices = payload.choices as Array<Record<string, unknown>>;
    for (const choice of choices) {
      const delta = choice.delta as Record<string, unknown>;
      if (typeof delta.content === "string") content += delta.content;
      if (typeof delta.reasoning_content === "string") reasoning += delta.reasoning_content;
      const toolCalls = (delta.tool_calls ?? []) as Array<Record<string, unknown>>;
      for (const call of toolCalls) {
        const index = call.index as number;
        const fn = call.function as { name?: string; arguments?: string };
        calls[index] ??= { id: "", type: "function", function: { name: "", arguments: "" } };
        if (typeof call.id === "string") calls[index].id = call.id;
        if (fn.name !== undefined) calls[index].function.name = fn.name;
        calls[index].function.arguments += fn.arguments ?? "";
      }
      if (choice.finish_reason !== null) finish = choice.finish_reason;
    }
  }
  return { content, reasoning, calls, finish };
}

Deno.test("streamed deltas joined equal the non-streamed answer for a chat client", () => {
  const wire = encodeStream(streamEventsFor(RESPONSE, 3));
  const streamed = assembleMessage(wire);
  const whole = chatCodec.fromUnifiedResponse(RESPONSE, encodeContext()) as {
    choices: Array<{ message: Record<string, unknown>; finish_reason: string }>;
    usage: unknown;
  };
  const message = whole.choices[0].message;
  assert.equal(streamed.content, message.content);
  assert.equal(streamed.reasoning, message.reasoning_content);
  assert.deepEqual(streamed.calls, message.tool_calls);
  assert.equal(streamed.finish, whole.choices[0].finish_reason);
  const usageChunk = (framePayloads(wire) as Array<Record<string, unknown>>).at(-1);
  assert.deepEqual(usageChunk?.usage, whole.usage);
});

for (const name of fixtureNames(".chunks.txt")) {
  Deno.test(`recorded ${name} re-encoded for a chat client decodes to the same stream`, () => {
    const first = decodeWire([chatWireText(readFixture(name))]);
    const wire = encodeStream(first);
    const again = decodeWire([wire]);
    const a = summarize(first);
    const b = summarize(again);
    assert.deepEqual(b.starts, a.starts);
    assert.equal(b.text, a.text);
    assert.equal(b.reasoning, a.reasoning);
    assert.deepEqual(b.toolCalls, a.toolCalls);
    assert.deepEqual(b.finishes, a.finishes);
    for (const [key, value] of Object.entries(a.usage)) {
      assert.equal(b.usage[key as keyof typeof b.usage], value, `usage.${key}`);
    }
  });
}

Deno.test("a chat request survives decode → encode → decode, signatures included", () => {
  const body = {
    model: "alias",
    messages: [
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [{ type: "text", text: "Look" }, {
          type: "image_url",
          image_url: { url: "data:image/png;base64,AAAA", detail: "low" },
        }],
      },
      {
        role: "assistant",
        content: null,
        reasoning_content: "need tool",
        reasoning_details: [{ type: "reasoning.text", text: "need tool", signature: "s1" }],
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
      },
      { role: "tool", tool_call_id: "c1", content: "42" },
      { role: "user", content: "thanks" },
    ],
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    tool_choice: "auto",
    max_tokens: 300,
    temperature: 0.1,
    stop: ["END"],
    response_format: { type: "json_object" },
    reasoning_effort: "high",
    stream: true,
    stream_options: { include_usage: true },
  };
  const unified = chatCodec.toUnifiedRequest(body, {});
  const sent = chatCodec.fromUnifiedRequest(unified, { model: "alias", defaultMaxTokens: 1024 });
  const again = chatCodec.toUnifiedRequest(JSON.parse(JSON.stringify(sent)), {});
  assert.deepEqual(again, unified);
});
