import assert from "node:assert/strict";
import { createStreamDecoder } from "../../../src/codecs/chat/stream_decode.ts";
import type { StopReason, StreamEvent, Usage } from "../../../src/codecs/unified.ts";
import { splitEvery } from "../helpers.ts";
import {
  chatWireText,
  decodeWire,
  fixtureNames,
  readFixture,
  request,
  summarize,
} from "./helpers.ts";

interface StreamExpectation {
  id: string;
  model: string;
  textStart: string;
  textEnd: string;
  textLength: number;
  reasoningStart?: string;
  reasoningLength?: number;
  toolCalls: Array<{ id: string; name: string; args: unknown }>;
  stopReason: StopReason;
  usage: Partial<Usage>;
}

/** Read by hand from each recorded stream in fixtures/recorded/chat. */
const STREAMS: Record<string, StreamExpectation> = {
  "openai-text.chunks.txt": {
    id: "chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0",
    model: "gpt-4.1-nano-2025-04-14",
    textStart: "**Holiday Name:** Harmony Day\n\n**Date:**",
    textEnd: "experiences and mutual respect.",
    textLength: 1724,
    toolCalls: [],
    stopReason: "end_turn",
    usage: { inputTokens: 16, outputTokens: 300, cacheReadTokens: 0, reasoningTokens: 0 },
  },
  "deepseek-text.chunks.txt": {
    id: "f6117a0b-129d-46fa-b239-78f01c2c5df9",
    model: "deepseek-chat",
    textStart: "## **Holiday Name:** Starlight Remembran",
    textEnd: "5 minutes of silent looking at",
    textLength: 1855,
    toolCalls: [],
    stopReason: "max_tokens",
    usage: { inputTokens: 13, outputTokens: 400, cacheReadTokens: 0 },
  },
  "deepseek-tool-call.chunks.txt": {
    id: "cca85624-4056-401f-b220-d77601d1f70d",
    model: "deepseek-reasoner",
    textStart: "",
    textEnd: "",
    textLength: 0,
    reasoningStart: "The user is asking for the weather",
    reasoningLength: 191,
    toolCalls: [{
      id: "call_00_ioIn7yN9p1ZOMNpDLwd4MgAF",
      name: "weather",
      args: { location: "San Francisco" },
    }],
    stopReason: "tool_use",
    usage: { inputTokens: 339, outputTokens: 83, cacheReadTokens: 320, reasoningTokens: 39 },
  },
  "xai-tool-call.chunks.txt": {
    id: "7027d986-3c59-a37a-9a5f-50713e01c8a6",
    model: "grok-3-mini",
    textStart: "",
    textEnd: "",
    textLength: 0,
    reasoningStart: "First, the user is asking about",
    reasoningLength: 1069,
    toolCalls: [{ id: "call_79382389", name: "weather", args: { location: "San Francisco" } }],
    stopReason: "tool_use",
    // xAI: total 560 = 307 prompt + 26 completion + 227 reasoning, so output is 26 + 227.
    usage: { inputTokens: 307, outputTokens: 253, cacheReadTokens: 306, reasoningTokens: 227 },
  },
  "groq-tool-call.chunks.txt": {
    id: "chatcmpl-b610d559-f156-4aca-8827-24b4fe6af54f",
    model: "llama-3.3-70b-versatile",
    textStart: "",
    textEnd: "",
    textLength: 0,
    toolCalls: [{ id: "tk85n1k4m", name: "weather", args: {} }],
    stopReason: "tool_use",
    usage: { inputTokens: 210, outputTokens: 15 },
  },
  "alibaba-tool-call.chunks.txt": {
    id: "chatcmpl-8e243c57-23b3-9db2-a02e-e3c53929c368",
    model: "qwen3-max",
    textStart: "",
    textEnd: "",
    textLength: 0,
    toolCalls: [{
      id: "call_eee11723464a4b9eb8cee71d",
      name: "weather",
      args: { location: "San Francisco" },
    }],
    stopReason: "tool_use",
    usage: { inputTokens: 295, outputTokens: 22, cacheReadTokens: 0 },
  },
  "azure-model-router.1.chunks.txt": {
    id: "chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt",
    model: "gpt-5-nano-2025-08-07",
    textStart: "Capital of Denmark.",
    textEnd: "Capital of Denmark.",
    textLength: 19,
    toolCalls: [],
    stopReason: "end_turn",
    usage: { inputTokens: 15, outputTokens: 78, cacheReadTokens: 0, reasoningTokens: 64 },
  },
  "issue-15789-step-1.chunks.txt": {
    id: "chatcmpl-E6yvi7cuDcHZEHTMxcLDyf3CMKIO2",
    model: "gpt-4o-2024-08-06",
    textStart: "PRE_TOOL",
    textEnd: "PRE_TOOL",
    textLength: 8,
    toolCalls: [{ id: "call_NZa7xqfefoaMI2YYHowVXVlU", name: "weather", args: {} }],
    stopReason: "tool_use",
    usage: { inputTokens: 58, outputTokens: 12, cacheReadTokens: 0, reasoningTokens: 0 },
  },
};

/** Order rules every decoded stream must keep (unified.ts, "Stream events"). */
function assertWellFormed(events: StreamEvent[]) {
  assert.equal(events[0]?.type, "start", "start comes first");
  assert.equal(events.filter((e) => e.type === "start").length, 1, "one start");
  const finishAt = events.findIndex((e) => e.type === "finish");
  assert.ok(finishAt > 0, "a finish is emitted");
  assert.equal(events.filter((e) => e.type === "finish").length, 1, "one finish");
  const after = events.slice(finishAt + 1).filter((e) => e.type !== "usage");
  assert.deepEqual(after, [], "only usage may follow finish");
  const started = events.flatMap((e) => e.type === "tool_call_start" ? [e.index] : []);
  const ended = events.flatMap((e) => e.type === "tool_call_end" ? [e.index] : []);
  assert.deepEqual(started, started.map((_, i) => i), "tool calls numbered 0, 1, 2…");
  assert.deepEqual([...ended].sort(), [...started].sort(), "every tool call ends");
}

Deno.test("every recorded chat stream has an expectation in this test", () => {
  assert.deepEqual(fixtureNames(".chunks.txt"), Object.keys(STREAMS).sort());
});

for (const [name, expected] of Object.entries(STREAMS)) {
  const wire = chatWireText(readFixture(name));
  const variants: Array<[string, string[]]> = [
    ["whole", [wire]],
    ["1-byte pieces", splitEvery(wire, 1)],
    ["7-byte pieces", splitEvery(wire, 7)],
    ["113-byte pieces", splitEvery(wire, 113)],
    ["CRLF line ends", splitEvery(wire.replaceAll("\n", "\r\n"), 61)],
  ];
  for (const [how, pieces] of variants) {
    Deno.test(`recorded ${name} (${how}) decodes to its text, tool calls, stop and usage`, () => {
      const events = decodeWire(pieces);
      assertWellFormed(events);
      const s = summarize(events);
      assert.equal(s.starts[0].id, expected.id);
      assert.equal(s.starts[0].model, expected.model);
      assert.ok(s.starts[0].created > 1_700_000_000);
      assert.ok(s.text.startsWith(expected.textStart));
      assert.ok(s.text.endsWith(expected.textEnd));
      assert.equal(s.text.length, expected.textLength);
      if (expected.reasoningStart !== undefined) {
        assert.ok(s.reasoning.startsWith(expected.reasoningStart));
        assert.equal(s.reasoning.length, expected.reasoningLength);
      } else {
        assert.equal(s.reasoning, "");
      }
      assert.deepEqual(
        s.toolCalls.map((c) => ({ id: c.id, name: c.name, args: JSON.parse(c.arguments) })),
        expected.toolCalls,
      );
      assert.deepEqual(s.finishes, [expected.stopReason]);
      for (const [key, value] of Object.entries(expected.usage)) {
        assert.equal(s.usage[key as keyof Usage], value, `usage.${key}`);
      }
      assert.deepEqual(s.errors, []);
    });
  }
}

Deno.test("the Azure prompt-filter chunk (empty id, no choices) does not start the stream", () => {
  const events = decodeWire([chatWireText(readFixture("azure-model-router.1.chunks.txt"))]);
  const start = events[0];
  assert.equal(start.type, "start");
  if (start.type === "start") assert.notEqual(start.id, "");
});

function chunk(delta: Record<string, unknown>, finish: string | null = null, extra = {}) {
  return JSON.stringify({
    id: "chatcmpl-s",
    object: "chat.completion.chunk",
    created: 1_750_000_000,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });
}

function decodeData(lines: string[]): StreamEvent[] {
  return decodeWire([lines.map((l) => `data: ${l}\n\n`).join("") + "data: [DONE]\n\n"]);
}

Deno.test("synthetic: parallel tool calls with arguments split across chunks keep their index", () => {
  // No real recording of a parallel chat stream exists (fixtures README, "Gaps").
  const events = decodeData([
    chunk({ role: "assistant", content: null }),
    chunk({
      tool_calls: [{
        index: 0,
        id: "call_a",
        type: "function",
        function: { name: "weather", arguments: "" },
      }],
    }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({
      tool_calls: [{
        index: 1,
        id: "call_b",
        type: "function",
        function: { name: "time", arguments: "" },
      }],
    }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: '{"tz":"CET"}' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
    chunk({}, "tool_calls"),
  ]);
  assertWellFormed(events);
  const s = summarize(events);
  assert.deepEqual(s.toolCalls.map((c) => [c.id, c.name, JSON.parse(c.arguments)]), [
    ["call_a", "weather", { city: "Oslo" }],
    ["call_b", "time", { tz: "CET" }],
  ]);
  assert.deepEqual(s.finishes, ["tool_use"]);
});

Deno.test("synthetic: a second call reusing index 0 with a new id is a new call", () => {
  const events = decodeData([
    chunk({ tool_calls: [{ index: 0, id: "c1", function: { name: "a", arguments: "{}" } }] }),
    chunk({ tool_calls: [{ index: 0, id: "c2", function: { name: "b", arguments: "{}" } }] }),
    chunk({}, "tool_calls"),
  ]);
  assertWellFormed(events);
  assert.deepEqual(summarize(events).toolCalls.map((c) => [c.index, c.id, c.name]), [
    [0, "c1", "a"],
    [1, "c2", "b"],
  ]);
});

Deno.test("synthetic: OpenRouter reasoning and reasoning_details give text once and the signature", () => {
  const events = decodeData([
    chunk({
      reasoning: "Let me think.",
      reasoning_details: [{
        type: "reasoning.text",
        text: "Let me think.",
        format: "anthropic-claude-v1",
      }],
    }),
    chunk({
      reasoning_details: [{ type: "reasoning.text", text: "", signature: "ErUBCkYIBRgCIkA" }],
    }),
    chunk({ reasoning_details: [{ type: "reasoning.encrypted", data: "REDACTED-BLOB" }] }),
    chunk({ content: "Answer." }, "stop"),
  ]);
  const s = summarize(events);
  assert.equal(s.reasoning, "Let me think.");
  assert.deepEqual(s.signatures, ["ErUBCkYIBRgCIkA"]);
  assert.ok(events.some((e) => e.type === "reasoning_redacted" && e.data === "REDACTED-BLOB"));
  assert.equal(s.text, "Answer.");
});

Deno.test("synthetic: a details-only reasoning delta still yields its text", () => {
  const events = decodeData([
    chunk({ reasoning_details: [{ type: "reasoning.text", text: "only here" }] }),
    chunk({}, "stop"),
  ]);
  assert.equal(summarize(events).reasoning, "only here");
});

Deno.test("synthetic: an error chunk mid-stream becomes an error event and ends decoding", () => {
  const events = decodeData([
    chunk({ content: "Hel" }),
    JSON.stringify({ error: { message: "The server is overloaded", type: "server_error" } }),
    chunk({ content: "lo" }, "stop"),
  ]);
  const s = summarize(events);
  assert.equal(s.text, "Hel");
  assert.deepEqual(s.errors, ["The server is overloaded"]);
  assert.equal(events.at(-1)?.type, "error");
  assert.deepEqual(s.finishes, []);
});

Deno.test("synthetic: a refusal delta is text with stop reason refusal", () => {
  const s = summarize(decodeData([
    chunk({ role: "assistant", content: "", refusal: null }),
    chunk({ refusal: "I can't do that." }),
    chunk({}, "stop"),
  ]));
  assert.equal(s.text, "I can't do that.");
  assert.deepEqual(s.finishes, ["refusal"]);
});

Deno.test("a stream cut before finish gets its tool-call ends and a finish from end()", () => {
  const decoder = createStreamDecoder(request());
  decoder.push({
    data: chunk({ tool_calls: [{ index: 0, id: "c", function: { name: "f", arguments: "{" } }] }),
  });
  assert.deepEqual(decoder.end(), [
    { type: "tool_call_end", index: 0 },
    { type: "finish", stopReason: "tool_use" },
  ]);
});

Deno.test("a stream that closes before any chunk is an error, not an empty answer", () => {
  const decoder = createStreamDecoder(request());
  assert.deepEqual(decoder.push({ data: "[DONE]" }), []);
  const events = decoder.end();
  assert.equal(events.length, 1);
  assert.equal(events[0].type, "error");
  if (events[0].type === "error") {
    assert.equal(events[0].error.kind, "bad_gateway");
    assert.equal(events[0].error.status, 502);
  }
});

Deno.test("[DONE], pings and unparsable data are ignored", () => {
  const decoder = createStreamDecoder(request());
  assert.deepEqual(decoder.push({ data: "[DONE]" }), []);
  assert.deepEqual(decoder.push({ data: "not json" }), []);
  assert.deepEqual(decoder.push({ event: "ping", data: "{}" }), []);
});

Deno.test("a missing created or model is filled in", () => {
  const decoder = createStreamDecoder(request({ model: "asked-model" }));
  const [start] = decoder.push({
    data: JSON.stringify({ id: "x", choices: [{ index: 0, delta: { content: "a" } }] }),
  });
  assert.equal(start.type, "start");
  if (start.type === "start") {
    assert.equal(start.model, "asked-model");
    assert.ok(Math.abs(start.created - Date.now() / 1000) < 60);
  }
});
