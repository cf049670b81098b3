/**
 * Replays every recorded Gemini response (`tests/fixtures/recorded/gemini/`) through the
 * outbound decoders. Expected values were read from the fixture files by hand.
 */
import assert from "node:assert/strict";
import { geminiCodec } from "../../../src/codecs/gemini/mod.ts";
import {
  GatewayError,
  type StreamEvent,
  type UnifiedResponse,
} from "../../../src/codecs/unified.ts";
import { responseFromEvents } from "../../../src/codecs/events_to_response.ts";
import { decodePieces, splitEvery } from "../helpers.ts";
import { baseRequest, fixtureNames, fixtureText, joinText, sseBytes } from "./helpers.ts";

interface Expected {
  text: string;
  reasoning?: string;
  textSignaturePrefix?: string;
  toolCalls?: Array<{ name: string; args: Record<string, unknown>; signaturePrefix: string }>;
  stopReason: UnifiedResponse["stopReason"];
  usage: { input: number; output: number; reasoning: number };
  id: string;
  model: string;
}

const EXPECTED: Record<string, Expected> = {
  "gemma-4-output-usage.chunks.txt": {
    text: "hello",
    reasoning: '*   User input: "Reply with exactly: hello"\n    *   Constraint: The response ' +
      'must be "exactly: hello".\n    *   Goal: Comply with the specific instruction.\n\n    ' +
      '*   The user wants a single word: "hello".\n\n    *   Input: "Reply with exactly: ' +
      'hello"\n    *   Output: "hello"',
    stopReason: "end_turn",
    usage: { input: 6, output: 1 + 76, reasoning: 76 },
    id: "4HFfavXADZvkkdUP37mD6Q0",
    model: "gemma-4-26b-a4b-it",
  },
  "google-reasoning.json": {
    text: 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.',
    textSignaturePrefix: "EvsFCvgFAb4+",
    stopReason: "end_turn",
    usage: { input: 9, output: 29 + 282, reasoning: 282 },
    id: "YH6LaZT7ENmPxN8P-r2J8Aw",
    model: "gemini-3-pro-preview",
  },
  "google-text.chunks.txt": {
    text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
    textSignaturePrefix: "EqsFCqgFAb4+",
    stopReason: "end_turn",
    usage: { input: 9, output: 23 + 185, reasoning: 185 },
    id: "bH6LaZW8Fp_3nsEPqtaSwQ4",
    model: "gemini-3-pro-preview",
  },
  "google-text.json": {
    text: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
    textSignaturePrefix: "EtoFCtcFAb4+",
    stopReason: "end_turn",
    usage: { input: 9, output: 28 + 244, reasoning: 244 },
    id: "Un6LacrVMcjUxs0PmJfWoQc",
    model: "gemini-3-pro-preview",
  },
  "google-thinking-level-low-success.json": {
    text: "OK",
    textSignaturePrefix: "EmcKZQERTTIP",
    stopReason: "end_turn",
    usage: { input: 4, output: 1, reasoning: 0 },
    id: "CbqEapr4Jpni_uMP9fGogQk",
    model: "gemini-3.7-flash",
  },
  "google-tool-call-gemini3.chunks.txt": {
    text: "",
    toolCalls: [{
      name: "weather",
      args: { location: "San Francisco" },
      signaturePrefix: "EpEgCo4gAb4+",
    }],
    stopReason: "tool_use",
    usage: { input: 29, output: 15 + 804, reasoning: 804 },
    id: "QHiLaa6LBrb8vdIPoNztsAg",
    model: "gemini-3-pro-preview",
  },
  "google-tool-call-gemini3.json": {
    text: "",
    toolCalls: [{
      name: "weather",
      args: { location: "San Francisco" },
      signaturePrefix: "Eqo+Cqc+Ab4+",
    }],
    stopReason: "tool_use",
    usage: { input: 29, output: 15 + 1801, reasoning: 1801 },
    id: "JniLacKqGqH0xs0P0O776As",
    model: "gemini-3-pro-preview",
  },
  "google-tool-call.chunks.txt": {
    text: "",
    toolCalls: [{
      name: "weather",
      args: { location: "San Francisco" },
      signaturePrefix: "EqUCCqICAb4+",
    }],
    stopReason: "tool_use",
    usage: { input: 29, output: 15 + 45, reasoning: 45 },
    id: "b36LacjwM668nsEP2tbsgQQ",
    model: "gemini-3-pro-preview",
  },
  "google-tool-call.json": {
    text: "",
    toolCalls: [{
      name: "weather",
      args: { location: "San Francisco" },
      signaturePrefix: "EskgCsYgAb4+",
    }],
    stopReason: "tool_use",
    usage: { input: 29, output: 15 + 893, reasoning: 893 },
    id: "m36LaZGyCLz1xs0PtNSB-QU",
    model: "gemini-3-pro-preview",
  },
  "issue-18073-empty-text-thought-signature.chunks.txt": {
    text: "4",
    textSignaturePrefix: "EpcCCpQCARFN",
    stopReason: "end_turn",
    usage: { input: 15, output: 1 + 52, reasoning: 52 },
    id: "vQRpaqzAPN2M9MoPxPq2uQ4",
    model: "gemini-3-flash-preview",
  },
  "issue-19758-prompt-block.chunks.txt": {
    text: "",
    stopReason: "content_filter",
    usage: { input: 9, output: 0, reasoning: 0 },
    id: "EXCPatOAKMrQjMcPteHVmQo",
    model: "gemini-3.7-flash",
  },
  "issue-19758-prompt-block.json": {
    text: "",
    stopReason: "content_filter",
    usage: { input: 9, output: 0, reasoning: 0 },
    id: "EXCPaojyHaDUjMcP656rqAk",
    model: "gemini-3.7-flash",
  },
};

const ERROR_MESSAGES: Record<string, string> = {
  "google-thinking-level-minimal-unsupported.json":
    "Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.",
  "issue-8943-gemini-2.5-flash-error.json": "Penalty is not enabled for models/gemini-2.5-flash",
};

function assertResponseMatches(name: string, response: UnifiedResponse): void {
  const expected = EXPECTED[name];
  const texts = response.content.filter((part) => part.type === "text");
  assert.equal(texts.map((part) => part.text).join(""), expected.text, `${name}: text`);
  const reasoning = response.content.filter((part) => part.type === "reasoning");
  assert.equal(reasoning.map((part) => part.text).join(""), expected.reasoning ?? "", name);
  if (expected.textSignaturePrefix !== undefined) {
    assert.equal(texts.length, 1, `${name}: the signature closes one text part`);
    assert.ok(texts[0].signature?.startsWith(expected.textSignaturePrefix), name);
  }
  const calls = response.content.filter((part) => part.type === "tool_call");
  assert.equal(calls.length, expected.toolCalls?.length ?? 0, `${name}: tool calls`);
  calls.forEach((call, i) => {
    const want = expected.toolCalls![i];
    assert.equal(call.name, want.name);
    assert.deepEqual(JSON.parse(call.arguments), want.args);
    assert.ok(call.signature?.startsWith(want.signaturePrefix), `${name}: call signature`);
    assert.match(call.id, /^call_[A-Za-z0-9_-]+_0$/);
  });
  assert.equal(response.stopReason, expected.stopReason, `${name}: stop reason`);
  assert.equal(response.usage.inputTokens, expected.usage.input, `${name}: input tokens`);
  assert.equal(response.usage.outputTokens, expected.usage.output, `${name}: output tokens`);
  assert.equal(response.usage.reasoningTokens, expected.usage.reasoning, `${name}: reasoning`);
  assert.equal(response.usage.cacheReadTokens, 0);
  assert.equal(response.id, expected.id, `${name}: id`);
  assert.equal(response.model, expected.model, `${name}: model`);
}

Deno.test("every recorded Gemini fixture has expectations in this test", () => {
  for (const name of fixtureNames()) {
    assert.ok(name in EXPECTED || name in ERROR_MESSAGES, `no expectation for ${name}`);
  }
});

for (const name of fixtureNames().filter((n) => n.endsWith(".json") && n in EXPECTED)) {
  Deno.test(`recorded answer ${name} decodes to the right text, calls, stop reason and usage`, () => {
    const body: unknown = JSON.parse(fixtureText(name));
    assertResponseMatches(name, geminiCodec.toUnifiedResponse(body, baseRequest()));
  });
}

for (const name of fixtureNames().filter((n) => n.endsWith(".chunks.txt"))) {
  Deno.test(`recorded stream ${name} decodes the same whole or split at odd offsets`, () => {
    const bytes = sseBytes(name);
    const splits = [[bytes], splitEvery(bytes, 7), splitEvery(bytes, 1), splitEvery(bytes, 131)];
    const crlf = bytes.replaceAll("\n", "\r\n");
    splits.push(splitEvery(crlf, 13));
    for (const pieces of splits) {
      const events = decodePieces(
        geminiCodec.createStreamDecoder(baseRequest({ stream: true })),
        pieces,
      );
      assertWellOrdered(events);
      assertResponseMatches(name, responseFromEvents(events));
    }
  });
}

for (const [name, message] of Object.entries(ERROR_MESSAGES)) {
  Deno.test(`recorded error ${name} yields its message`, () => {
    assert.equal(geminiCodec.upstreamErrorMessage(400, fixtureText(name)), message);
    assert.throws(
      () => geminiCodec.toUnifiedResponse(JSON.parse(fixtureText(name)), baseRequest()),
      (error: unknown) =>
        error instanceof GatewayError && error.kind === "invalid_request" &&
        error.status === 400 && error.message === message,
    );
  });
}

Deno.test("the gemma stream's reasoning arrives as reasoning deltas before the answer text", () => {
  const events = decodePieces(
    geminiCodec.createStreamDecoder(baseRequest({ stream: true })),
    [sseBytes("gemma-4-output-usage.chunks.txt")],
  );
  const firstText = events.findIndex((event) => event.type === "text_delta");
  const lastReasoning = events.findLastIndex((event) => event.type === "reasoning_delta");
  assert.ok(lastReasoning < firstText);
  assert.equal(joinText(events, "text_delta"), "hello");
});

/** start first and once, one finish, each tool call started before its deltas and end. */
function assertWellOrdered(events: StreamEvent[]): void {
  assert.equal(events[0].type, "start");
  assert.equal(events.filter((event) => event.type === "start").length, 1);
  assert.equal(events.filter((event) => event.type === "finish").length, 1);
  const open = new Set<number>();
  for (const event of events) {
    if (event.type === "tool_call_start") open.add(event.index);
    if (event.type === "tool_call_delta") assert.ok(open.has(event.index));
    if (event.type === "tool_call_end") assert.ok(open.delete(event.index));
  }
  assert.equal(open.size, 0);
}
