/**
 * The fake upstream must be faithful to the real provider APIs, or end-to-end tests prove
 * nothing. These tests read it with plain `fetch` and with the official SDKs.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { type FakeUpstream, startFakeUpstream, unusedPort } from "./fake_upstream.ts";
import {
  fixtureFiles,
  isRecord,
  readFixtureJson,
  readFixtureLines,
  WIRE_APIS,
  type WireApi,
} from "./fixtures.ts";
import { parseSseText, readSse } from "./sse_read.ts";
import { errorBody, type Scenario, streamErrorEvent } from "./wire_scenarios.ts";

async function withFake(run: (fake: FakeUpstream) => Promise<void>): Promise<void> {
  const fake = await startFakeUpstream();
  try {
    await run(fake);
  } finally {
    await fake.close();
  }
}

/** The request path and body each API's client would send for a short prompt. */
function requestFor(
  api: WireApi,
  stream: boolean,
): { path: string; body: Record<string, unknown> } {
  switch (api) {
    case "chat":
      return {
        path: "/v1/chat/completions",
        body: {
          model: "gpt-test",
          messages: [{ role: "user", content: "hi" }],
          stream,
          ...(stream ? { stream_options: { include_usage: true } } : {}),
        },
      };
    case "messages":
      return {
        path: "/v1/messages",
        body: {
          model: "claude-test",
          max_tokens: 64,
          messages: [{ role: "user", content: "hi" }],
          stream,
        },
      };
    case "responses":
      return { path: "/v1/responses", body: { model: "gpt-test", input: "hi", stream } };
    case "gemini":
      return {
        path: stream
          ? "/v1beta/models/gemini-test:streamGenerateContent?alt=sse"
          : "/v1beta/models/gemini-test:generateContent",
        body: { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
      };
  }
}

function post(
  fake: FakeUpstream,
  path: string,
  body: unknown,
  init: RequestInit & { client?: Deno.HttpClient } = {},
): Promise<Response> {
  const request: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json", "X-Test-Header": "Yes" },
    body: JSON.stringify(body),
    ...init,
  };
  return fetch(fake.url + path, request);
}

function parsed(data: string): Record<string, unknown> {
  const value: unknown = JSON.parse(data);
  assert.ok(isRecord(value), `expected a JSON object, got ${data.slice(0, 80)}`);
  return value;
}

function path(value: unknown, ...keys: Array<string | number>): unknown {
  let at = value;
  for (const key of keys) {
    if (typeof key === "number") at = Array.isArray(at) ? at[key] : undefined;
    else at = isRecord(at) ? at[key] : undefined;
  }
  return at;
}

/** The text a streamed answer spells out, read the way each API's docs describe its deltas. */
function streamedText(api: WireApi, payloads: Record<string, unknown>[]): string {
  const pieces: string[] = [];
  for (const p of payloads) {
    let piece: unknown;
    if (api === "chat") piece = path(p, "choices", 0, "delta", "content");
    if (api === "messages" && p.type === "content_block_delta") piece = path(p, "delta", "text");
    if (api === "responses" && p.type === "response.output_text.delta") piece = p.delta;
    if (api === "gemini") piece = path(p, "candidates", 0, "content", "parts", 0, "text");
    if (typeof piece === "string") pieces.push(piece);
  }
  return pieces.join("");
}

// ---------------------------------------------------------------------------------------------
// Default replies, read with plain fetch
// ---------------------------------------------------------------------------------------------

Deno.test("default non-streamed replies carry the canned text, the echoed model and usage in each API's shape", async () => {
  await withFake(async (fake) => {
    for (const api of WIRE_APIS) {
      const { path: url, body } = requestFor(api, false);
      const response = await post(fake, url, body);
      assert.equal(response.status, 200, api);
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
      const json = parsed(await response.text());
      const expected = `Hello from ${api} fake`;
      if (api === "chat") {
        assert.equal(json.object, "chat.completion");
        assert.equal(path(json, "choices", 0, "message", "content"), expected);
        assert.equal(path(json, "choices", 0, "finish_reason"), "stop");
        assert.equal(path(json, "usage", "total_tokens"), 17);
        assert.equal(json.model, "gpt-test");
      } else if (api === "messages") {
        assert.equal(json.type, "message");
        assert.deepEqual(json.content, [{ type: "text", text: expected }]);
        assert.equal(json.stop_reason, "end_turn");
        assert.equal(path(json, "usage", "output_tokens"), 5);
        assert.equal(json.model, "claude-test");
      } else if (api === "responses") {
        assert.equal(json.object, "response");
        assert.equal(json.status, "completed");
        assert.equal(path(json, "output", 0, "content", 0, "text"), expected);
        assert.equal(path(json, "usage", "total_tokens"), 17);
      } else {
        assert.equal(path(json, "candidates", 0, "content", "parts", 0, "text"), expected);
        assert.equal(path(json, "candidates", 0, "finishReason"), "STOP");
        assert.equal(path(json, "usageMetadata", "totalTokenCount"), 17);
        assert.equal(json.modelVersion, "gemini-test");
      }
    }
  });
});

Deno.test("default streams follow each API's event order, and only chat ends with [DONE]", async () => {
  await withFake(async (fake) => {
    for (const api of WIRE_APIS) {
      const { path: url, body } = requestFor(api, true);
      const response = await post(fake, url, body);
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
      const events = await readSse(response);
      const done = events.filter((e) => e.data === "[DONE]");
      if (api === "chat") {
        assert.equal(done.length, 1);
        assert.equal(events.at(-1)?.data, "[DONE]");
      } else {
        assert.equal(done.length, 0, `${api} must not send [DONE]`);
      }
      const payloads = events.filter((e) => e.data !== "[DONE]").map((e) => parsed(e.data));
      assert.equal(streamedText(api, payloads), `Hello from ${api} fake`, api);
      if (api === "messages" || api === "responses") {
        events.forEach((e, i) => assert.equal(e.event, payloads[i].type, `${api} event name`));
      } else {
        assert.ok(events.every((e) => e.event === undefined), `${api} sends data-only events`);
      }
      if (api === "chat") {
        const finish = payloads.findIndex((p) => path(p, "choices", 0, "finish_reason") === "stop");
        const usage = payloads.findIndex((p) => isRecord(p.usage));
        assert.equal(usage, payloads.length - 1, "usage chunk is last");
        assert.equal(finish, usage - 1, "finish chunk comes right before the usage chunk");
        assert.deepEqual(payloads[usage].choices, []);
        assert.equal(path(payloads[0], "choices", 0, "delta", "role"), "assistant");
      }
      if (api === "messages") {
        const types = payloads.map((p) => p.type);
        assert.equal(types[0], "message_start");
        assert.deepEqual(types.slice(-2), ["message_delta", "message_stop"]);
        assert.equal(path(payloads[0], "message", "usage", "input_tokens"), 12);
        assert.equal(path(payloads.at(-2), "usage", "output_tokens"), 5);
        assert.equal(path(payloads.at(-2), "delta", "stop_reason"), "end_turn");
      }
      if (api === "responses") {
        assert.deepEqual(payloads.map((p) => p.sequence_number), payloads.map((_, i) => i));
        assert.equal(payloads[0].type, "response.created");
        assert.equal(payloads.at(-1)?.type, "response.completed");
        assert.equal(
          path(payloads.at(-1), "response", "output", 0, "content", 0, "text"),
          "Hello from responses fake",
        );
      }
      if (api === "gemini") {
        const finishes = payloads.map((p) => path(p, "candidates", 0, "finishReason"));
        assert.deepEqual(finishes.slice(0, -1).filter((f) => f !== undefined), []);
        assert.equal(finishes.at(-1), "STOP");
        assert.equal(path(payloads.at(-1), "usageMetadata", "candidatesTokenCount"), 5);
      }
    }
  });
});

Deno.test("gemini streamGenerateContent without alt=sse answers one JSON array of chunks", async () => {
  await withFake(async (fake) => {
    const response = await post(fake, "/v1beta/models/gemini-test:streamGenerateContent", {});
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    const chunks: unknown = JSON.parse(await response.text());
    assert.ok(Array.isArray(chunks));
    assert.equal(streamedText("gemini", chunks.filter(isRecord)), "Hello from gemini fake");
  });
});

// ---------------------------------------------------------------------------------------------
// Fixture replay
// ---------------------------------------------------------------------------------------------

Deno.test("every recorded stream is replayed line for line with the README's framing", async () => {
  await withFake(async (fake) => {
    for (const api of WIRE_APIS) {
      for (const file of fixtureFiles(api).filter((f) => f.endsWith(".chunks.txt"))) {
        fake.enqueue({ kind: "fixture", file });
        const { path: url, body } = requestFor(api, true);
        const events = await readSse(await post(fake, url, body));
        const lines = readFixtureLines(file);
        const data = events.map((e) => e.data);
        assert.deepEqual(data, api === "chat" ? [...lines, "[DONE]"] : lines, file);
        for (const [i, line] of lines.entries()) {
          const expectedName = api === "messages" || api === "responses"
            ? parsed(line).type
            : undefined;
          assert.equal(events[i].event, expectedName, `${file} event ${i}`);
        }
      }
    }
  });
});

Deno.test("a stream split at odd offsets across writes carries the same bytes", async () => {
  await withFake(async (fake) => {
    const file = "messages/anthropic-issue-15652-false.chunks.txt";
    fake.enqueue({ kind: "fixture", file });
    fake.enqueue({ kind: "fixture", file, splitMidLine: true, delayMs: 1 });
    const whole = await (await post(fake, "/v1/messages", {})).text();
    const response = await post(fake, "/v1/messages", {});
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let split = "";
    let reads = 0;
    let midLine = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      reads++;
      const text = decoder.decode(r.value, { stream: true });
      if (!text.endsWith("\n")) midLine++;
      split += text;
    }
    assert.equal(split, whole);
    assert.ok(
      reads > readFixtureLines(file).length,
      `expected more reads than frames, got ${reads}`,
    );
    assert.ok(midLine > 0, "some reads end in the middle of a line");
  });
});

Deno.test("recorded JSON bodies are served with the status their body implies", async () => {
  await withFake(async (fake) => {
    const expectations: Array<[string, number]> = [
      ["chat/openai-text.json", 200],
      ["chat/reasoning-model-legacy-parameter-error.json", 400],
      ["messages/anthropic-issue-17366-error.json", 400],
      ["messages/anthropic-text.json", 200],
      ["responses/openai-error.1.json", 429],
      ["gemini/issue-8943-gemini-2.5-flash-error.json", 400],
      ["gemini/google-text.json", 200],
    ];
    for (const [file, status] of expectations) {
      fake.enqueue({ kind: "fixture", file });
      const response = await post(fake, "/v1/chat/completions", {});
      assert.equal(response.status, status, file);
      assert.deepEqual(JSON.parse(await response.text()), readFixtureJson(file), file);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Official SDKs accept the fake
// ---------------------------------------------------------------------------------------------

function openai(fake: FakeUpstream): OpenAI {
  return new OpenAI({ apiKey: "sk-test", baseURL: fake.url + "/v1", maxRetries: 0 });
}

function anthropic(fake: FakeUpstream): Anthropic {
  return new Anthropic({ apiKey: "sk-ant-test", baseURL: fake.url, maxRetries: 0 });
}

function gemini(fake: FakeUpstream): GoogleGenAI {
  return new GoogleGenAI({ apiKey: "g-test", httpOptions: { baseUrl: fake.url } });
}

Deno.test("the OpenAI SDK reads the default chat completion, streamed and not", async () => {
  await withFake(async (fake) => {
    const client = openai(fake);
    const completion = await client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(completion.choices[0].message.content, "Hello from chat fake");
    assert.equal(completion.usage?.completion_tokens, 5);
    const stream = client.chat.completions.stream({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0].message.content, "Hello from chat fake");
    assert.equal(final.usage?.prompt_tokens, 12);
    assert.equal(fake.lastRequest("chat")?.headers.authorization, "Bearer sk-test");
  });
});

Deno.test("the OpenAI SDK reads the default Responses answer, streamed and not", async () => {
  await withFake(async (fake) => {
    const client = openai(fake);
    const response = await client.responses.create({ model: "gpt-test", input: "hi" });
    assert.equal(response.output_text, "Hello from responses fake");
    const final = await client.responses.stream({ model: "gpt-test", input: "hi" }).finalResponse();
    assert.equal(final.output_text, "Hello from responses fake");
    assert.equal(final.usage?.output_tokens, 5);
  });
});

Deno.test("the Anthropic SDK reads the default message, streamed and not", async () => {
  await withFake(async (fake) => {
    const client = anthropic(fake);
    const params = {
      model: "claude-test",
      max_tokens: 64,
      messages: [{ role: "user" as const, content: "hi" }],
    };
    const message = await client.messages.create(params);
    assert.deepEqual(message.content.map((b) => b.type === "text" ? b.text : ""), [
      "Hello from messages fake",
    ]);
    const final = await client.messages.stream(params).finalMessage();
    assert.deepEqual(final.content.map((b) => b.type === "text" ? b.text : ""), [
      "Hello from messages fake",
    ]);
    assert.equal(final.usage.output_tokens, 5);
    assert.equal(final.stop_reason, "end_turn");
    // This SDK version authenticates with `authorization: Bearer`; older ones send `x-api-key`.
    const headers = fake.lastRequest("messages")?.headers ?? {};
    assert.ok(
      headers["x-api-key"] === "sk-ant-test" || headers.authorization === "Bearer sk-ant-test",
    );
    assert.ok(headers["anthropic-version"] !== undefined);
  });
});

Deno.test("the Google GenAI SDK reads the default Gemini answer, streamed and not", async () => {
  await withFake(async (fake) => {
    const client = gemini(fake);
    const response = await client.models.generateContent({ model: "gemini-test", contents: "hi" });
    assert.equal(response.text, "Hello from gemini fake");
    assert.equal(response.usageMetadata?.totalTokenCount, 17);
    let text = "";
    for await (
      const chunk of await client.models.generateContentStream({
        model: "gemini-test",
        contents: "hi",
      })
    ) {
      text += chunk.text ?? "";
    }
    assert.equal(text, "Hello from gemini fake");
    const last = fake.lastRequest("gemini");
    assert.equal(last?.model, "gemini-test");
    // The SDK picks the API version (`v1beta` or `v1`); the fake accepts any prefix.
    assert.match(last?.url ?? "", /\/models\/gemini-test:streamGenerateContent\?alt=sse$/);
    assert.equal(last?.headers["x-goog-api-key"], "g-test");
  });
});

// ---------------------------------------------------------------------------------------------
// Scripted scenarios: tool calls, reasoning, usage, stop reasons
// ---------------------------------------------------------------------------------------------

/** Synthetic: no recording has parallel calls in every API, so this is built from the docs. */
const parallelTools: Partial<Scenario> = {
  text: undefined,
  toolCalls: [
    { id: "call_a", name: "weather", argumentPieces: ['{"ci', 'ty":"Par', 'is"}'] },
    { id: "call_b", name: "time", argumentPieces: ['{"zone"', ':"CET"}'] },
  ],
  stop: "tool_use",
  usage: { input: 100, output: 30, cacheRead: 60, cacheWrite: 10 },
};

const thinking: Partial<Scenario> = {
  reasoning: { pieces: ["Let me ", "think."], signature: "sig-123" },
  text: ["Done", "."],
  usage: { input: 20, output: 40, reasoning: 25 },
};

Deno.test("parallel tool calls streamed in pieces come out whole from the Anthropic SDK", async () => {
  await withFake(async (fake) => {
    fake.enqueue({ kind: "scenario", scenario: parallelTools });
    const final = await anthropic(fake).messages.stream({
      model: "claude-test",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    }).finalMessage();
    const calls = final.content.flatMap((b) =>
      b.type === "tool_use" ? [[b.id, b.name, b.input]] : []
    );
    assert.deepEqual(calls, [["call_a", "weather", { city: "Paris" }], ["call_b", "time", {
      zone: "CET",
    }]]);
    assert.equal(final.stop_reason, "tool_use");
    assert.equal(final.usage.input_tokens, 30, "Anthropic input_tokens excludes both cache counts");
    assert.equal(final.usage.cache_read_input_tokens, 60);
    assert.equal(final.usage.cache_creation_input_tokens, 10);
  });
});

Deno.test("parallel tool calls streamed in pieces come out whole from the OpenAI chat and Responses SDKs", async () => {
  await withFake(async (fake) => {
    const client = openai(fake);
    fake.enqueue({ kind: "scenario", scenario: parallelTools });
    const chat = await client.chat.completions.stream({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream_options: { include_usage: true },
    }).finalChatCompletion();
    const chatCalls = (chat.choices[0].message.tool_calls ?? []).map((c) =>
      c.type === "function" ? [c.id, c.function.name, c.function.arguments] : []
    );
    assert.deepEqual(chatCalls, [["call_a", "weather", '{"city":"Paris"}'], [
      "call_b",
      "time",
      '{"zone":"CET"}',
    ]]);
    assert.equal(chat.choices[0].finish_reason, "tool_calls");
    assert.equal(chat.usage?.prompt_tokens_details?.cached_tokens, 60);

    fake.enqueue({ kind: "scenario", scenario: parallelTools });
    const response = await client.responses.stream({ model: "gpt-test", input: "hi" })
      .finalResponse();
    const calls = response.output.flatMap((item) =>
      item.type === "function_call" ? [[item.call_id, item.name, item.arguments]] : []
    );
    assert.deepEqual(calls, [["call_a", "weather", '{"city":"Paris"}'], [
      "call_b",
      "time",
      '{"zone":"CET"}',
    ]]);
  });
});

Deno.test("parallel function calls reach the Google GenAI SDK in one chunk, streamed and not", async () => {
  await withFake(async (fake) => {
    const client = gemini(fake);
    fake.enqueue({ kind: "scenario", scenario: parallelTools });
    const response = await client.models.generateContent({ model: "gemini-test", contents: "hi" });
    assert.deepEqual(response.functionCalls?.map((c) => [c.name, c.args]), [
      ["weather", { city: "Paris" }],
      ["time", { zone: "CET" }],
    ]);
    assert.equal(response.usageMetadata?.cachedContentTokenCount, 60);
    fake.enqueue({ kind: "scenario", scenario: parallelTools });
    const names: string[] = [];
    for await (
      const chunk of await client.models.generateContentStream({
        model: "gemini-test",
        contents: "hi",
      })
    ) {
      for (const call of chunk.functionCalls ?? []) names.push(call.name ?? "");
    }
    assert.deepEqual(names, ["weather", "time"]);
  });
});

Deno.test("reasoning with its signature survives the Anthropic and Responses SDK stream accumulators", async () => {
  await withFake(async (fake) => {
    fake.enqueue({ kind: "scenario", scenario: thinking });
    const message = await anthropic(fake).messages.stream({
      model: "claude-test",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    }).finalMessage();
    assert.deepEqual(message.content[0], {
      type: "thinking",
      thinking: "Let me think.",
      signature: "sig-123",
    });
    assert.deepEqual(message.content[1], { type: "text", text: "Done." });

    fake.enqueue({ kind: "scenario", scenario: thinking });
    const response = await openai(fake).responses.stream({ model: "gpt-test", input: "hi" })
      .finalResponse();
    const reasoning = response.output[0];
    assert.equal(reasoning.type, "reasoning");
    if (reasoning.type === "reasoning") {
      assert.equal(reasoning.encrypted_content, "sig-123");
      assert.deepEqual(reasoning.summary, [{ type: "summary_text", text: "Let me think." }]);
    }
    assert.equal(response.output_text, "Done.");
    assert.equal(response.usage?.output_tokens_details.reasoning_tokens, 25);
  });
});

Deno.test("reasoning reaches chat clients as reasoning_content and Gemini clients as thought parts", async () => {
  await withFake(async (fake) => {
    fake.enqueue({ kind: "scenario", scenario: thinking });
    const events = await readSse(
      await post(fake, "/v1/chat/completions", { model: "m", stream: true }),
    );
    const reasoning = events.filter((e) => e.data !== "[DONE]")
      .map((e) => path(parsed(e.data), "choices", 0, "delta", "reasoning_content"))
      .filter((r) => typeof r === "string").join("");
    assert.equal(reasoning, "Let me think.");

    fake.enqueue({ kind: "scenario", scenario: thinking });
    const response = await gemini(fake).models.generateContent({
      model: "gemini-test",
      contents: "hi",
    });
    const parts = response.candidates?.[0].content?.parts ?? [];
    assert.deepEqual(parts.map((p) => [p.thought ?? false, p.text, p.thoughtSignature]), [
      [true, "Let me think.", undefined],
      [false, "Done.", "sig-123"],
    ]);
    assert.equal(response.usageMetadata?.thoughtsTokenCount, 25);
    assert.equal(response.usageMetadata?.candidatesTokenCount, 15, "Gemini counts thoughts apart");
  });
});

Deno.test("each stop reason is spelled the way each API spells it", async () => {
  const expected: Record<string, Record<WireApi, string>> = {
    end_turn: { chat: "stop", messages: "end_turn", responses: "completed", gemini: "STOP" },
    max_tokens: {
      chat: "length",
      messages: "max_tokens",
      responses: "max_output_tokens",
      gemini: "MAX_TOKENS",
    },
    tool_use: { chat: "tool_calls", messages: "tool_use", responses: "completed", gemini: "STOP" },
    stop_sequence: {
      chat: "stop",
      messages: "stop_sequence",
      responses: "completed",
      gemini: "STOP",
    },
    content_filter: {
      chat: "content_filter",
      messages: "refusal",
      responses: "content_filter",
      gemini: "SAFETY",
    },
  };
  await withFake(async (fake) => {
    for (const [stop, byApi] of Object.entries(expected)) {
      for (const api of WIRE_APIS) {
        fake.enqueue({
          kind: "scenario",
          scenario: { stop: stop as Scenario["stop"], stopSequence: "END" },
        });
        const { path: url, body } = requestFor(api, false);
        const json = parsed(await (await post(fake, url, body)).text());
        const seen = api === "chat"
          ? path(json, "choices", 0, "finish_reason")
          : api === "messages"
          ? json.stop_reason
          : api === "responses"
          ? (path(json, "incomplete_details", "reason") ?? json.status)
          : path(json, "candidates", 0, "finishReason");
        assert.equal(seen, byApi[api], `${stop} in ${api}`);
      }
    }
  });
});

Deno.test("a Responses stream cut by max tokens ends with response.incomplete", async () => {
  await withFake(async (fake) => {
    fake.enqueue({ kind: "scenario", scenario: { stop: "max_tokens" } });
    const events = await readSse(await post(fake, "/v1/responses", { model: "m", stream: true }));
    const last = parsed(events.at(-1)?.data ?? "{}");
    assert.equal(last.type, "response.incomplete");
    assert.equal(path(last, "response", "incomplete_details", "reason"), "max_output_tokens");
  });
});

// ---------------------------------------------------------------------------------------------
// Errors and failure modes
// ---------------------------------------------------------------------------------------------

Deno.test("error replies use each API's own error body and keep scripted headers", async () => {
  await withFake(async (fake) => {
    for (const api of WIRE_APIS) {
      fake.enqueue({ kind: "error", status: 429, headers: { "retry-after": "2" } });
      const { path: url, body } = requestFor(api, false);
      const response = await post(fake, url, body);
      assert.equal(response.status, 429);
      assert.equal(response.headers.get("retry-after"), "2");
      const json = parsed(await response.text());
      if (api === "messages") assert.equal(path(json, "error", "type"), "rate_limit_error");
      else if (api === "gemini") assert.equal(path(json, "error", "status"), "RESOURCE_EXHAUSTED");
      else assert.equal(path(json, "error", "code"), "rate_limit_exceeded");
    }
    fake.enqueue({ kind: "error", status: 529 });
    const overloaded = await post(fake, "/v1/messages", {});
    assert.equal(overloaded.status, 529);
    assert.equal(path(parsed(await overloaded.text()), "error", "type"), "overloaded_error");
  });
});

Deno.test("the SDKs recognise the fake's error bodies as their own API errors", async () => {
  await withFake(async (fake) => {
    fake.enqueue({ kind: "error", status: 401 });
    await assert.rejects(
      anthropic(fake).messages.create({
        model: "c",
        max_tokens: 8,
        messages: [{ role: "user", content: "x" }],
      }),
      (e: unknown) => e instanceof Anthropic.AuthenticationError,
    );
    fake.enqueue({ kind: "error", status: 500 });
    await assert.rejects(
      openai(fake).chat.completions.create({
        model: "g",
        messages: [{ role: "user", content: "x" }],
      }),
      (e: unknown) => e instanceof OpenAI.InternalServerError,
    );
  });
});

Deno.test("an error event inside an Anthropic stream makes the SDK stream fail", async () => {
  await withFake(async (fake) => {
    fake.enqueue({
      kind: "stream",
      api: "messages",
      events: [
        ...readFixtureLines("messages/anthropic-text.chunks.txt").slice(0, 3),
        streamErrorEvent("messages"),
      ],
    });
    const stream = anthropic(fake).messages.stream({
      model: "c",
      max_tokens: 8,
      messages: [{ role: "user", content: "x" }],
    });
    await assert.rejects(stream.finalMessage(), /overloaded/);
  });
});

Deno.test("a request hung before headers can be aborted by the client and is counted", async () => {
  await withFake(async (fake) => {
    fake.enqueue({ kind: "hang_before_headers" });
    const controller = new AbortController();
    const pending = post(fake, "/v1/chat/completions", {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(
      pending,
      (e: unknown) => e instanceof DOMException && e.name === "AbortError",
    );
    for (let i = 0; i < 50 && fake.abortedBeforeHeaders === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(fake.abortedBeforeHeaders, 1);
  });
});

Deno.test("close() releases a request hung before headers", async () => {
  const fake = await startFakeUpstream();
  fake.enqueue({ kind: "hang_before_headers" });
  const pending = post(fake, "/v1/chat/completions", {});
  await new Promise((r) => setTimeout(r, 30));
  await fake.close();
  const response = await pending;
  await response.body?.cancel();
  assert.equal(response.status, 503);
});

Deno.test("a stream that hangs mid-body delivers its first frames, then a client abort is counted", async () => {
  await withFake(async (fake) => {
    fake.enqueue({ kind: "hang_mid_stream", afterFrames: 2 });
    const response = await post(fake, "/v1/messages", { model: "m", stream: true });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (parseSseText(text).length < 2) {
      const r = await reader.read();
      if (r.done) break;
      text += decoder.decode(r.value, { stream: true });
    }
    const stalled = await Promise.race([
      reader.read().then(() => "read"),
      new Promise<string>((r) => setTimeout(() => r("stalled"), 100)),
    ]);
    assert.equal(stalled, "stalled");
    assert.deepEqual(parseSseText(text).map((e) => e.event), [
      "message_start",
      "content_block_start",
    ]);
    await reader.cancel();
    for (let i = 0; i < 50 && fake.aborted === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(fake.aborted, 1);
  });
});

Deno.test("a stream closed mid-body makes the client's reader error after the frames sent", async () => {
  await withFake(async (fake) => {
    fake.enqueue({ kind: "close_mid_stream", afterFrames: 3 });
    const response = await post(fake, "/v1/chat/completions", { model: "m", stream: true });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const failure = await (async () => {
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          text += decoder.decode(r.value, { stream: true });
        }
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    assert.ok(failure instanceof Error, "the body must fail, not end cleanly");
    assert.equal(parseSseText(text).length, 3);
    assert.equal(fake.aborted, 0, "a drop by the fake is not a client abort");
  });
});

Deno.test("a delayed reply arrives after its delay", async () => {
  await withFake(async (fake) => {
    fake.enqueue({ kind: "delay", ms: 80, then: { kind: "error", status: 500 } });
    const started = performance.now();
    const response = await post(fake, "/v1/responses", {});
    await response.body?.cancel();
    assert.equal(response.status, 500);
    assert.ok(performance.now() - started >= 70);
  });
});

Deno.test("refused and unused ports make fetch fail to connect, and the fake can listen again", async () => {
  await withFake(async (fake) => {
    await assert.rejects(fetch(`http://127.0.0.1:${unusedPort()}/v1/chat/completions`), TypeError);
    await fake.refuseConnections();
    await assert.rejects(post(fake, "/v1/chat/completions", {}), TypeError);
    await fake.acceptConnections();
    const response = await post(fake, "/v1/chat/completions", {});
    await response.body?.cancel();
    assert.equal(response.status, 200);
  });
});

// ---------------------------------------------------------------------------------------------
// Recording and scripting
// ---------------------------------------------------------------------------------------------

Deno.test("requests are recorded with their API, lower-case headers, parsed body and model", async () => {
  await withFake(async (fake) => {
    for (const api of WIRE_APIS) {
      const { path: url, body } = requestFor(api, false);
      await (await post(fake, "/some/prefix" + url, body)).body?.cancel();
    }
    assert.deepEqual(fake.requests.map((r) => [r.api, r.model, r.stream]), [
      ["chat", "gpt-test", false],
      ["messages", "claude-test", false],
      ["responses", "gpt-test", false],
      ["gemini", "gemini-test", false],
    ]);
    const chat = fake.lastRequest("chat");
    assert.equal(chat?.headers["x-test-header"], "Yes");
    assert.equal(chat?.method, "POST");
    assert.equal(chat?.path, "/some/prefix/v1/chat/completions");
    assert.deepEqual(chat?.body, requestFor("chat", false).body);
    assert.equal(fake.lastRequest()?.api, "gemini");
    const unknown = await post(fake, "/v1/embeddings", {});
    await unknown.body?.cancel();
    assert.equal(unknown.status, 404);
    assert.equal(fake.lastRequest()?.api, undefined);
    fake.reset();
    assert.equal(fake.requests.length, 0);
  });
});

Deno.test("queued replies are used in order, then the default; a reply function sees the request", async () => {
  await withFake(async (fake) => {
    fake.enqueue(
      { kind: "error", status: 500 },
      (request) => ({ kind: "json", body: { echoed: request.model } }),
    );
    fake.setDefault({ kind: "error", status: 503 });
    const statuses: number[] = [];
    const bodies: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await post(fake, "/v1/chat/completions", { model: `m${i}` });
      statuses.push(response.status);
      bodies.push(JSON.parse(await response.text()));
    }
    assert.deepEqual(statuses, [500, 200, 503]);
    assert.deepEqual(bodies[1], { echoed: "m1" });
    assert.deepEqual(bodies[2], errorBody("chat", 503));
  });
});

Deno.test("connectionCount counts distinct client connections", async () => {
  await withFake(async (fake) => {
    const shared = Deno.createHttpClient({});
    const other = Deno.createHttpClient({});
    try {
      for (const client of [shared, shared, other]) {
        await (await post(fake, "/v1/chat/completions", {}, { client })).text();
      }
    } finally {
      shared.close();
      other.close();
    }
    assert.equal(fake.requests.length, 3);
    assert.equal(fake.connectionCount, 2);
  });
});
