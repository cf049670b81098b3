/**
 * Same API in and out: the client's request reaches the provider with only the model replaced,
 * and the provider's answer reaches the client byte for byte, quirks and unknown fields included.
 */
import assert from "node:assert/strict";
import { CODECS } from "../../src/codecs/registry.ts";
import { INBOUND_API_NAMES, type InboundApiName } from "../../src/codecs/registry.ts";
import { mergeUsage, type Usage } from "../../src/codecs/unified.ts";
import { SseParser } from "../../src/wire/sse.ts";
import { TEST_KEY, testConfig, UPSTREAM_BASE_PATH } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import {
  fixtureFiles,
  readFixtureLines,
  readFixtureText,
  sseFramesForLines,
} from "../support/fixtures.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import type { RequestRecord } from "../../src/usage/record.ts";

function requestFor(
  api: InboundApiName,
  stream: boolean,
): { path: string; body: Record<string, unknown> } {
  const extra = { x_unknown_field: { kept: true } };
  switch (api) {
    case "chat":
      return {
        path: "/v1/chat/completions",
        body: {
          model: "up/m",
          stream,
          ...(stream ? { stream_options: { include_usage: true } } : {}),
          messages: [{ role: "user", content: "hi" }],
          ...extra,
        },
      };
    case "messages":
      return {
        path: "/v1/messages",
        body: {
          model: "up/m",
          stream,
          max_tokens: 64,
          messages: [{ role: "user", content: "hi" }],
          ...extra,
        },
      };
    case "responses":
      return { path: "/v1/responses", body: { model: "up/m", stream, input: "hi", ...extra } };
    case "gemini":
      return {
        path: stream
          ? "/v1beta/models/up/m:streamGenerateContent?alt=sse"
          : "/v1beta/models/up/m:generateContent",
        body: { contents: [{ role: "user", parts: [{ text: "hi" }] }], ...extra },
      };
  }
}

let requestCount = 0;

async function recordOf(gateway: TestGateway, requestId: string): Promise<RequestRecord> {
  for (let waited = 0; waited < 2000; waited += 5) {
    const record = gateway.records.find((r) => r.requestId === requestId);
    if (record !== undefined) return record;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no usage record for ${requestId}`);
}

/** Usage, error and whether anything was answered, from decoding every frame of a stream. */
function fullDecode(
  api: InboundApiName,
  body: Record<string, unknown>,
  sse: string,
): { usage: Usage | undefined; error: string | undefined; answered: boolean } {
  const codec = CODECS[api];
  const model = api === "gemini" ? { model: "m", stream: true } : {};
  const decoder = codec.createStreamDecoder(codec.toUnifiedRequest(body, model));
  const parser = new SseParser();
  let usage: Usage | undefined;
  let error: string | undefined;
  let answered = false;
  const events = [...parser.push(sse), ...parser.end()].flatMap((e) => decoder.push(e));
  for (const event of [...events, ...decoder.end()]) {
    if (event.type === "usage") usage = mergeUsage(usage, event.usage);
    if (event.type === "error") error ??= event.error.message;
    if (["text_delta", "reasoning_delta", "tool_call_start"].includes(event.type)) answered = true;
  }
  return { usage, error, answered };
}

for (const api of INBOUND_API_NAMES) {
  Deno.test(`${api} → ${api} passes recorded answers through byte for byte`, async (t) => {
    const fake = await startFakeUpstream();
    const gateway = await startGateway(
      testConfig({ up: { api, baseUrl: fake.url + UPSTREAM_BASE_PATH[api], models: ["m"] } }),
    );
    try {
      for (const file of fixtureFiles(api)) {
        const stream = file.endsWith(".chunks.txt");
        if (!stream && readFixtureText(file).includes('"error"')) continue;
        await t.step(file, async () => {
          fake.reset();
          fake.enqueue({ kind: "fixture", file, splitMidLine: true });
          const { path, body } = requestFor(api, stream);
          const requestId = `passthrough-${++requestCount}`;
          const response = await fetch(gateway.url + path, {
            method: "POST",
            headers: {
              authorization: `Bearer ${TEST_KEY}`,
              "content-type": "application/json",
              "x-request-id": requestId,
            },
            body: JSON.stringify(body),
          });
          const text = await response.text();
          assert.equal(response.status, 200, text.slice(0, 200));
          const expected = stream
            ? sseFramesForLines(api, readFixtureLines(file)).join("")
            : JSON.stringify(JSON.parse(readFixtureText(file)));
          assert.equal(text, expected);

          const received = fake.lastRequest(api)!;
          const sent = received.body as Record<string, unknown>;
          assert.deepEqual(
            sent.x_unknown_field,
            { kept: true },
            "unknown fields reach the provider",
          );
          if (api !== "gemini") assert.equal(sent.model, "m");

          // The gateway only taps pass-through frames that can carry usage or the end; what it
          // logs must equal a full decode of every frame of the same stream.
          if (stream) {
            const record = await recordOf(gateway, requestId);
            const full = fullDecode(api, body, expected);
            assert.deepEqual(record.usage, full.usage);
            assert.equal(record.error?.message, full.error);
            assert.equal(typeof record.ttftMs, full.answered ? "number" : "undefined");
          }
        });
      }
    } finally {
      await gateway.close();
      await fake.close();
    }
  });
}

Deno.test("a chat stream is logged with usage even when the client did not ask for it, and the client sees no usage chunk", async () => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(
    testConfig({ up: { api: "chat", baseUrl: fake.url + "/v1", models: ["m"] } }),
  );
  try {
    const response = await fetch(gateway.url + "/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "up/m",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    const text = await response.text();
    const sent = fake.lastRequest("chat")!.body as Record<string, unknown>;
    assert.deepEqual(sent.stream_options, { include_usage: true });
    const chunks = text.split("\n\n").filter((f) => f.startsWith("data: {")).map((f) =>
      JSON.parse(f.slice(6))
    );
    assert.ok(chunks.length > 2);
    assert.ok(chunks.every((c) => c.choices.length > 0), "no usage-only chunk reached the client");
    assert.ok(text.endsWith("data: [DONE]\n\n"));
    assert.equal(
      chunks.map((c) => c.choices[0].delta.content ?? "").join(""),
      "Hello from chat fake",
    );
    const [record] = await gateway.waitForRecords(1);
    assert.equal(record.usageSource, "provider");
    assert.equal(record.usage?.inputTokens, 12);
    assert.equal(record.usage?.outputTokens, 5);
  } finally {
    await gateway.close();
    await fake.close();
  }
});
