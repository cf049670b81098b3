/**
 * Replays every recorded Anthropic response in tests/fixtures/recorded/messages through the
 * codec. Expected values were read from the fixture files by hand.
 */
import assert from "node:assert/strict";
import { messagesCodec } from "../../../src/codecs/messages/mod.ts";
import type { UnifiedResponse, Usage } from "../../../src/codecs/unified.ts";
import { namedEventFrames } from "../helpers.ts";
import { baseRequest, decodeSse, fixtureNames, foldEvents, readFixture } from "./helpers.ts";

interface ExpectedAnswer {
  id: string;
  model: string;
  textStartsWith: string;
  textEndsWith: string;
  reasoning?: { textStartsWith: string; signatureStartsWith: string };
  tools: Array<{ id: string; name: string; input: Record<string, unknown> }>;
  stopReason: string;
  usage: Usage;
}

function usage(input: number, output: number, extra: Partial<Usage> = {}): Usage {
  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    ...extra,
  };
}

const SUCCESS_BODIES: Record<string, ExpectedAnswer> = {
  "anthropic-claude-opus-5-reasoning-high.1.json": {
    id: "msg_011CdMNhurHSJCxCC2NB7WYc",
    model: "claude-opus-5",
    textStartsWith: "## Step 1: Set up the problem",
    textEndsWith: "independently confirming the answer.",
    reasoning: {
      textStartsWith: "I need to find all roots of this cubic polynomial",
      signatureStartsWith: "CAISqwQKhwEIEBgCKkAc",
    },
    tools: [],
    stopReason: "end_turn",
    usage: usage(51, 1699, { reasoningTokens: 139 }),
  },
  "anthropic-issue-11855-follow-up.json": {
    id: "msg_01B7iXdj8CDnjU3aBLD4sHoU",
    model: "claude-sonnet-4-5-20250929",
    textStartsWith: "I need more information to prepare a brief",
    textEndsWith: "(project brief",
    tools: [],
    stopReason: "max_tokens",
    usage: usage(2497, 32),
  },
  "anthropic-text.json": {
    id: "msg_01VdEjxAP5ahtHKrrRdNBteQ",
    model: "claude-sonnet-4-5-20250929",
    textStartsWith: "Hello! I'm doing well, thanks for asking.",
    textEndsWith: "Is there anything I can help you with?",
    tools: [],
    stopReason: "end_turn",
    usage: usage(12, 29),
  },
  "anthropic-tool-no-args.json": {
    id: "msg_01GCBaV8gyWAYgMVggRqZbuQ",
    model: "claude-3-opus-20240229",
    textStartsWith: "<thinking>\nThe updateIssueList tool",
    textEndsWith: "Okay, I will update the current issue list:",
    tools: [{ id: "toolu_01LRmxn9vGM1d2DZSDBowdZ1", name: "updateIssueList", input: {} }],
    stopReason: "tool_use",
    usage: usage(602, 93),
  },
  "issue-10372-tool-use.1.json": {
    id: "msg_011CdUgzv6WdHrsc5n2GMjju",
    model: "claude-sonnet-4-5-20250929",
    textStartsWith: "",
    textEndsWith: "",
    tools: [{ id: "toolu_011GReSD6Lexm9Bs3tXwTC7L", name: "getWeather", input: { city: "Tokyo" } }],
    stopReason: "tool_use",
    usage: usage(833, 24),
  },
  "issue-13430-thinking-tool-call.json": {
    id: "msg_011CfWBu94HWxZXjXK6ZhEXM",
    model: "claude-sonnet-4-6",
    textStartsWith: "",
    textEndsWith: "",
    reasoning: {
      textStartsWith: "The user wants me to call checkSandboxErrors immediately.",
      signatureStartsWith: "Eq4CCpIBCBIYAipA",
    },
    tools: [{ id: "toolu_017R7ACrx7NF7sLDDtvdQ1u9", name: "checkSandboxErrors", input: {} }],
    stopReason: "tool_use",
    usage: usage(599, 59, { reasoningTokens: 18 }),
  },
};

const STREAMS: Record<string, ExpectedAnswer> = {
  "anthropic-claude-sonnet-5-reasoning-generic.chunks.txt": {
    id: "msg_011CdZqGKa1m7G8uTzmdLcQr",
    model: "claude-sonnet-5",
    textStartsWith:
      "# Finding GCD(1071, 462) Using the Euclidean Algorithm\n\nThe Euclidean algorithm works by",
    textEndsWith: "Both divide evenly by 21, confirming the answer. ✅",
    // Thinking omitted from display: only a signature arrives.
    reasoning: { textStartsWith: "", signatureStartsWith: "EsECCokBCBAYAipA9i3H" },
    tools: [],
    stopReason: "end_turn",
    usage: usage(47, 496, { reasoningTokens: 62 }),
  },
  "anthropic-clear-thinking.1.chunks.txt": {
    id: "msg_01Y6V41gqPaKWEw7iPouH7iW",
    model: "claude-sonnet-4-5-20250929",
    textStartsWith: "925 ÷ 5 = 185",
    textEndsWith: "925 ÷ 5 = 185",
    reasoning: {
      textStartsWith:
        "The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
      signatureStartsWith: "EvQBCkYICxgCKkAxhD4N",
    },
    tools: [],
    stopReason: "end_turn",
    usage: usage(69, 53),
  },
  "anthropic-issue-15652-false.chunks.txt": {
    id: "msg_011Cd5Uz3EsW7t2zRF3zZGJL",
    model: "claude-sonnet-4-5-20250929",
    textStartsWith: "",
    textEndsWith: "",
    tools: [
      { id: "toolu_01LtEf4h1QW7KCKLsYMuhTNB", name: "searchDocs", input: { query: "alpha" } },
      { id: "toolu_016tfZE7otAFSBjhc67wu189", name: "searchDocs", input: { query: "beta" } },
      { id: "toolu_01XkU35z8BVWqqc9tijDuLrA", name: "searchDocs", input: { query: "gamma" } },
    ],
    stopReason: "tool_use",
    usage: usage(798, 110),
  },
  "anthropic-issue-5942-cache-read.chunks.txt": {
    id: "msg_011CczBWmS717HsNJwaC9mWM",
    model: "claude-sonnet-4-6",
    textStartsWith: "OK",
    textEndsWith: "OK",
    tools: [],
    stopReason: "max_tokens",
    usage: usage(3 + 18639, 1, { cacheReadTokens: 18639 }),
  },
  "anthropic-issue-5942-cache-write.chunks.txt": {
    id: "msg_011CczBWezemuqo5xUfertVi",
    model: "claude-sonnet-4-6",
    textStartsWith: "OK",
    textEndsWith: "OK",
    tools: [],
    stopReason: "max_tokens",
    usage: usage(3 + 18639, 1, { cacheWriteTokens: 18639 }),
  },
  "anthropic-text.chunks.txt": {
    id: "msg_01QC4g3HwBThD4BaNtBckFDJ",
    model: "claude-sonnet-4-5-20250929",
    textStartsWith: "Hello! I'm doing well, thank you for asking. How are you doing today?",
    textEndsWith: " Is there anything I can help you with?",
    tools: [],
    stopReason: "end_turn",
    usage: usage(12, 30),
  },
  "anthropic-tool-no-args.chunks.txt": {
    id: "msg_01GE2RKp1VYsPzdFs3sS9z5S",
    model: "claude-sonnet-4-5-20250929",
    textStartsWith: "I'll update the issue list for you.",
    textEndsWith: "I'll update the issue list for you.",
    tools: [{ id: "toolu_01QE1WLsSVp5hy5Q3GmGTmjP", name: "updateIssueList", input: {} }],
    stopReason: "tool_use",
    usage: usage(565, 48),
  },
  "issue-10781.1.chunks.txt": {
    id: "msg_011CdHMeT7EYp2un4JDDZLDT",
    model: "claude-sonnet-4-5-20250929",
    textStartsWith: "Let me check.",
    textEndsWith: "Let me check.",
    tools: [
      {
        id: "toolu_01Ni1uw4HXYxUhc4iFMqx7yY",
        name: "get_weather",
        input: { city: "San Francisco" },
      },
    ],
    stopReason: "tool_use",
    usage: usage(624, 59),
  },
};

const ERROR_BODIES: Record<string, string> = {
  "anthropic-issue-17366-error.json":
    "messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks",
  "anthropic-parallel-provider-client-tools.error.json":
    "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after",
};

function assertAnswer(
  answer: Pick<UnifiedResponse, "content" | "usage"> & {
    id?: string;
    model?: string;
    stopReason?: string;
  },
  expected: ExpectedAnswer,
): void {
  assert.equal(answer.id, expected.id);
  assert.equal(answer.model, expected.model);
  const text = answer.content.map((part) => part.type === "text" ? part.text : "").join("");
  assert.ok(text.startsWith(expected.textStartsWith), `text starts: ${text.slice(0, 80)}`);
  assert.ok(text.endsWith(expected.textEndsWith), `text ends: ${text.slice(-80)}`);
  const reasoning = answer.content.filter((part) => part.type === "reasoning");
  if (expected.reasoning === undefined) assert.equal(reasoning.length, 0);
  else {
    assert.equal(reasoning.length, 1);
    assert.ok(reasoning[0].text.startsWith(expected.reasoning.textStartsWith));
    assert.ok(reasoning[0].signature?.startsWith(expected.reasoning.signatureStartsWith));
  }
  const tools = answer.content.filter((part) => part.type === "tool_call");
  assert.deepEqual(
    tools.map((call) => ({ id: call.id, name: call.name, input: JSON.parse(call.arguments) })),
    expected.tools,
  );
  assert.equal(answer.stopReason, expected.stopReason);
  assert.deepEqual(answer.usage, expected.usage);
}

Deno.test("every recorded messages fixture has an expectation in this replay test", () => {
  const known = new Set([
    ...Object.keys(SUCCESS_BODIES),
    ...Object.keys(STREAMS),
    ...Object.keys(ERROR_BODIES),
  ]);
  assert.deepEqual(fixtureNames().filter((name) => !known.has(name)), []);
});

for (const [name, expected] of Object.entries(SUCCESS_BODIES)) {
  Deno.test(`recorded response ${name} decodes to its text, reasoning, tool calls and usage`, () => {
    const body = JSON.parse(readFixture(name));
    assertAnswer(messagesCodec.toUnifiedResponse(body, baseRequest()), expected);
  });
}

for (const [name, expected] of Object.entries(STREAMS)) {
  const bytes = namedEventFrames(readFixture(name));
  Deno.test(`recorded stream ${name} decodes whole to the recorded answer`, () => {
    assertAnswer(foldEvents(decodeSse(bytes)), expected);
  });
  Deno.test(`recorded stream ${name} decodes the same when split at odd byte offsets`, () => {
    const whole = decodeSse(bytes);
    for (const piece of [1, 7, 13, 97]) {
      assert.deepEqual(
        stripCreated(decodeSse(bytes, baseRequest(), piece)),
        stripCreated(whole),
        `piece size ${piece}`,
      );
    }
  });
  Deno.test(`recorded stream ${name} decodes the same with CRLF line ends`, () => {
    const crlf = bytes.replaceAll("\n", "\r\n");
    assert.deepEqual(
      stripCreated(decodeSse(crlf, baseRequest(), 5)),
      stripCreated(decodeSse(bytes)),
    );
  });
  Deno.test(`recorded stream ${name} emits start first, one finish last, tool calls well nested`, () => {
    const events = decodeSse(bytes);
    assert.equal(events[0].type, "start");
    assert.equal(events.filter((event) => event.type === "start").length, 1);
    assert.equal(events[events.length - 1].type, "finish");
    assert.equal(events.filter((event) => event.type === "finish").length, 1);
    const open = new Set<number>();
    events.forEach((event) => {
      if (event.type === "tool_call_start") open.add(event.index);
      if (event.type === "tool_call_delta") assert.ok(open.has(event.index));
      if (event.type === "tool_call_end") assert.ok(open.delete(event.index));
    });
    assert.equal(open.size, 0);
    const indexes = events.flatMap((event) =>
      event.type === "tool_call_start" ? [event.index] : []
    );
    assert.deepEqual(indexes, indexes.map((_, i) => i));
  });
}

for (const [name, message] of Object.entries(ERROR_BODIES)) {
  Deno.test(`recorded error body ${name} yields the upstream's message`, () => {
    const text = messagesCodec.upstreamErrorMessage(400, readFixture(name));
    assert.ok(text.startsWith(message), text);
  });
}

function stripCreated<T extends { type: string }>(events: T[]): T[] {
  return events.map((event) => event.type === "start" ? { ...event, created: 0 } : event);
}
