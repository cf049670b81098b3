/**
 * Replays every recorded OpenAI Responses file: `.json` bodies through `toUnifiedResponse` or
 * `upstreamErrorMessage`, `.chunks.txt` streams through the SSE parser and the stream decoder,
 * whole and split at odd offsets. Expected values were read from the fixtures by hand.
 */
import assert from "node:assert/strict";
import { responsesCodec } from "../../../src/codecs/responses/mod.ts";
import type { ReasoningPart, ToolCallPart } from "../../../src/codecs/unified.ts";
import { namedEventFrames, parseSse } from "../helpers.ts";
import {
  baseRequest,
  decodeAll,
  fixtureNames,
  fixtureText,
  type StreamSummary,
  summarize,
} from "./helpers.ts";

const ERROR_BODIES: Record<string, string> = {
  "openai-error.1.json":
    "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
  "openai-issue-18537-error.1.json":
    "No tool call found for function call output with call_id call_dYQhZV1goGU4Rkny0QJvcxUJ.",
};

function decodeBody(name: string) {
  return responsesCodec.toUnifiedResponse(JSON.parse(fixtureText(name)), baseRequest());
}

Deno.test("every recorded Responses body is either a decodable answer or a readable error", () => {
  const names = fixtureNames(".json");
  assert.ok(names.length >= 8, `expected the recorded bodies, found ${names.length}`);
  for (const name of names) {
    if (name in ERROR_BODIES) {
      assert.equal(responsesCodec.upstreamErrorMessage(400, fixtureText(name)), ERROR_BODIES[name]);
    } else {
      const res = decodeBody(name);
      assert.ok(res.content.length > 0, `${name}: no content`);
      assert.ok(res.usage.inputTokens > 0 && res.usage.outputTokens > 0, `${name}: no usage`);
    }
  }
});

Deno.test("recorded reasoning with encrypted content keeps its item id, summary and blob", () => {
  for (
    const [name, id, blobStart, summaryStart, usage] of [
      [
        "azure-reasoning-encrypted-content.1.json",
        "rs_09d58369f84fca7901693cb838c60c81968c2e61898eec89c7",
        "gAAAAABpPLg7YtHo",
        "**Compiling final result**",
        [564, 101, 64],
      ],
      [
        "openai-reasoning-encrypted-content.1.json",
        "rs_0f35ed53160b395301693cc95817ac8190b978637daea4987e",
        "gAAAAABpPMlcH0HH",
        "**Reporting final result**",
        [865, 163, 128],
      ],
    ] as const
  ) {
    const res = decodeBody(name);
    assert.equal(res.content.length, 2);
    const reasoning = res.content[0] as ReasoningPart;
    assert.equal(reasoning.type, "reasoning");
    assert.equal(reasoning.id, id);
    assert.ok(reasoning.encryptedContent?.startsWith(blobStart));
    assert.ok(reasoning.text.startsWith(summaryStart));
    assert.equal(res.content[1].type, "text");
    assert.match((res.content[1] as { text: string }).text, /Final result: 570$/);
    assert.equal(res.stopReason, "end_turn");
    assert.deepEqual(
      [res.usage.inputTokens, res.usage.outputTokens, res.usage.reasoningTokens],
      usage,
    );
    assert.equal(res.usage.cacheReadTokens, 0);
  }
});

Deno.test("recorded o3 tool call decodes with call id, JSON arguments and tool_use", () => {
  const res = decodeBody("issue-7082-o3-optional-tool-parameters.json");
  assert.equal(res.model, "o3-2025-04-16");
  const [reasoning, call] = res.content as [ReasoningPart, ToolCallPart];
  assert.equal(reasoning.text, "");
  assert.equal(reasoning.encryptedContent, "[redacted]");
  assert.equal(call.id, "call_TXveU5dZ1lW6uhMbjhUIE9Gq");
  assert.equal(call.name, "semantic_scholar_search");
  assert.deepEqual(JSON.parse(call.arguments), {
    query: "machine learning",
    limit: 10,
    offset: 0,
    year: 0,
  });
  assert.equal(res.stopReason, "tool_use");
  assert.equal(res.usage.reasoningTokens, 192);
});

Deno.test("recorded xAI tool call keeps cached tokens inside the input total", () => {
  const res = decodeBody("tool-call.1.json");
  const call = res.content[0] as ToolCallPart;
  assert.equal(call.id, "call_19494542");
  assert.equal(call.name, "getWeather");
  assert.deepEqual(JSON.parse(call.arguments), { location: "San Francisco" });
  assert.equal(res.stopReason, "tool_use");
  assert.equal(res.usage.inputTokens, 391);
  assert.equal(res.usage.cacheReadTokens, 282);
  assert.equal(res.usage.outputTokens, 269);
  assert.equal(res.usage.reasoningTokens, 243);
});

Deno.test("recorded answer with two message items keeps both texts in order", () => {
  const res = decodeBody("openai-phase.1.json");
  assert.equal(res.content.length, 2);
  const texts = res.content.map((p) => (p.type === "text" ? p.text : ""));
  assert.ok(texts[0].startsWith("I\u2019ll quickly check reliable"));
  assert.ok(texts[1].startsWith("Here are some **latest AI updates"));
  assert.equal(res.usage.inputTokens, 7243);
  assert.equal(res.usage.cacheReadTokens, 3072);
  assert.equal(res.usage.reasoningTokens, 58);
});

Deno.test("recorded structured output arrives as JSON text", () => {
  const res = decodeBody("issue-6454-root-definitions-success.json");
  const text = (res.content[0] as { text: string }).text;
  assert.deepEqual(JSON.parse(text), { elements: [{ shared: "works" }] });
  assert.equal(res.usage.inputTokens, 68);
  assert.equal(res.usage.outputTokens, 10);
});

// ---- streams --------------------------------------------------------------------------------

interface StreamExpectation {
  text?: string | RegExp;
  reasoningStart?: string;
  tools?: Array<{ id: string; name: string; args: unknown }>;
  encryptedIds?: string[];
  stopReason?: string;
  usage?: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    reasoningTokens: number;
  };
  error?: RegExp;
}

const STREAMS: Record<string, StreamExpectation> = {
  "azure-gpt5-reasoning-multi-summary-no-encryption.chunks.txt": {
    // The recording was anonymized: its text deltas are runs of "X", unlike its `….done` text.
    text: /^X{1000,}$/,
    reasoningStart: "**Anonymized summary 0**\n\nThis is placeholder",
    encryptedIds: [],
    stopReason: "end_turn",
    usage: { inputTokens: 12044, outputTokens: 1627, cacheReadTokens: 0, reasoningTokens: 516 },
  },
  "azure-tool-call.1.chunks.txt": {
    text: "",
    tools: [{
      id: "call_H5DxLSFnsGhiROnUiDHmgyc8",
      name: "weather",
      args: { location: "San Francisco" },
    }],
    stopReason: "tool_use",
    usage: { inputTokens: 45, outputTokens: 24, cacheReadTokens: 0, reasoningTokens: 0 },
  },
  "issue-19493-gpt-5.1-tool-call.chunks.txt": {
    text: "",
    tools: [{
      id: "call_2FQdm3Br7Qb35YUBSkDR7kue",
      name: "get_weather",
      args: { city: "Beijing" },
    }],
    stopReason: "tool_use",
    usage: { inputTokens: 45, outputTokens: 25, cacheReadTokens: 0, reasoningTokens: 0 },
  },
  "openai-error.1.chunks.txt": { error: /^rate_limit: You exceeded your current quota/ },
  "openai-issue-11239.1.chunks.txt": {
    text: "",
    tools: [{
      id: "call_wMUhph1s1bedjPJraJvGw62X",
      name: "lookupVerificationCode",
      args: { label: "issue-11239" },
    }],
    encryptedIds: ["rs_017eebd5643f46d6016a4b35df548c819b98c75bcad2f28e4e"],
    stopReason: "tool_use",
    usage: { inputTokens: 84, outputTokens: 39, cacheReadTokens: 0, reasoningTokens: 15 },
  },
  "openai-issue-11239.2.chunks.txt": {
    text: "Verification code for issue-11239 is blue-42.",
    stopReason: "end_turn",
    usage: { inputTokens: 146, outputTokens: 16, cacheReadTokens: 0, reasoningTokens: 0 },
  },
  "openai-issue-14428-denied-tool-approval.chunks.txt": {
    text:
      "It looks like you chose not to send the email. If you need anything else, feel free to let me know!",
    stopReason: "end_turn",
    usage: { inputTokens: 162, outputTokens: 26, cacheReadTokens: 0, reasoningTokens: 0 },
  },
  "reasoning.1.chunks.txt": {
    text:
      /^The sky appears blue during the day primarily due to a scientific phenomenon called Rayleigh scattering\./,
    reasoningStart: 'First, the user asked: "Explain why the sky is blue."',
    stopReason: "max_tokens",
    usage: { inputTokens: 24, outputTokens: 678, cacheReadTokens: 12, reasoningTokens: 378 },
  },
};

function checkStream(name: string, s: StreamSummary, expected: StreamExpectation): void {
  assert.equal(s.starts, 1, `${name}: one start`);
  if (expected.error) {
    assert.equal(s.errors.length, 1, `${name}: exactly one error`);
    assert.match(s.errors[0], expected.error);
    assert.equal(s.stopReason, undefined);
    return;
  }
  assert.deepEqual(s.errors, [], name);
  if (typeof expected.text === "string") assert.equal(s.text, expected.text, name);
  else if (expected.text) assert.match(s.text, expected.text, name);
  if (expected.reasoningStart) assert.ok(s.reasoning.startsWith(expected.reasoningStart), name);
  const tools = expected.tools ?? [];
  assert.equal(s.toolCalls.length, tools.length, `${name}: tool calls`);
  tools.forEach((t, i) => {
    assert.equal(s.toolCalls[i].id, t.id);
    assert.equal(s.toolCalls[i].name, t.name);
    assert.deepEqual(JSON.parse(s.toolCalls[i].arguments), t.args);
    assert.ok(s.toolCalls[i].ended, `${name}: tool call ${i} ended`);
  });
  if (expected.encryptedIds) {
    assert.deepEqual(s.encrypted.map((e) => e.id), expected.encryptedIds, name);
  }
  assert.equal(s.stopReason, expected.stopReason, name);
  assert.deepEqual(s.usage, { ...expected.usage, cacheWriteTokens: 0 }, name);
}

Deno.test("every recorded Responses stream has a hand-checked expectation", () => {
  assert.deepEqual(fixtureNames(".chunks.txt"), Object.keys(STREAMS).sort());
});

for (const [name, expected] of Object.entries(STREAMS)) {
  Deno.test(`recorded stream ${name} decodes whole and split at odd byte offsets`, () => {
    const wire = namedEventFrames(fixtureText(name));
    const whole = summarize(
      decodeAll(responsesCodec.createStreamDecoder(baseRequest()), parseSse(wire)),
    );
    checkStream(name, whole, expected);
    for (const size of [1, 7, 61]) {
      const split = summarize(
        decodeAll(responsesCodec.createStreamDecoder(baseRequest()), parseSse(wire, size)),
      );
      assert.deepEqual(split, whole, `${name} split every ${size}`);
    }
  });
}

Deno.test("multi-part reasoning summaries stream as the parts joined by a blank line", () => {
  const name = "azure-gpt5-reasoning-multi-summary-no-encryption.chunks.txt";
  const lines = fixtureText(name).split("\n").filter((l) => l.trim() !== "").map((l) =>
    JSON.parse(l)
  );
  const doneTexts = lines.filter((l) => l.type === "response.reasoning_summary_text.done").map((
    l,
  ) => l.text as string);
  assert.equal(doneTexts.length, 3);
  const s = summarize(
    decodeAll(
      responsesCodec.createStreamDecoder(baseRequest()),
      parseSse(namedEventFrames(fixtureText(name))),
    ),
  );
  assert.equal(s.reasoning, doneTexts.join("\n\n"));
});

Deno.test("the cut-short xAI stream's text equals the text in its response.incomplete", () => {
  const name = "reasoning.1.chunks.txt";
  const lines = fixtureText(name).split("\n").filter((l) => l.trim() !== "");
  const terminal = JSON.parse(lines[lines.length - 1]);
  assert.equal(terminal.type, "response.incomplete");
  const s = summarize(
    decodeAll(
      responsesCodec.createStreamDecoder(baseRequest()),
      parseSse(namedEventFrames(fixtureText(name))),
    ),
  );
  assert.equal(s.text, terminal.response.output[1].content[0].text);
  assert.equal(s.reasoning, terminal.response.output[0].summary[0].text);
});

Deno.test("the encrypted reasoning blob passed on is the one from output_item.done", () => {
  const name = "openai-issue-11239.1.chunks.txt";
  const lines = fixtureText(name).split("\n").filter((l) => l.trim() !== "").map((l) =>
    JSON.parse(l)
  );
  const done = lines.find((l) =>
    l.type === "response.output_item.done" && l.item.type === "reasoning"
  );
  const s = summarize(
    decodeAll(
      responsesCodec.createStreamDecoder(baseRequest()),
      parseSse(namedEventFrames(fixtureText(name))),
    ),
  );
  assert.equal(s.encrypted.length, 1);
  assert.equal(s.encrypted[0].encryptedContent, done.item.encrypted_content);
  assert.ok(s.encrypted[0].encryptedContent.startsWith("gAAAAABqSzXg4CRZ"));
});
