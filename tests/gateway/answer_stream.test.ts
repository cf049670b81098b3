/**
 * When one upstream read holds many frames (a fast provider, a cached answer), the client's first
 * bytes go out before the gateway works through the rest, and nothing is lost on the way.
 */
import assert from "node:assert/strict";
import { CODECS } from "../../src/codecs/registry.ts";
import type { InboundApiName } from "../../src/codecs/registry.ts";
import { answerStream } from "../../src/gateway/answer_stream.ts";
import type { Gateway } from "../../src/gateway/gateway.ts";
import { openScope } from "../../src/gateway/request_scope.ts";
import type { Turns } from "../../src/wire/event_loop_turns.ts";
import { KeyRing } from "../../src/auth/client_keys.ts";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import { OpenCall } from "../../src/upstream/call.ts";
import type { UpstreamResponse } from "../../src/upstream/types.ts";
import { DISCARD_USAGE, type RequestRecord } from "../../src/usage/record.ts";
import { providerPerApi, testConfig } from "../support/config.ts";
import { readFixtureLines, sseFramesForLines } from "../support/fixtures.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An upstream whose body arrives as the given reads. */
function upstreamReads(reads: string[]): UpstreamResponse {
  const queue = reads.map((text) => encoder.encode(text));
  return {
    status: 200,
    headers: new Headers({ "content-type": "text/event-stream" }),
    read: () => Promise.resolve(queue.shift()),
    text: () => Promise.resolve(reads.join("")),
    cancel() {},
  };
}

/** Counts the turns a stream waits for, and lets each one pass at once. */
class CountedTurns implements Turns {
  count = 0;
  next(): Promise<void> {
    this.count++;
    return Promise.resolve();
  }
  close(): void {}
}

const REQUESTS: Record<InboundApiName, unknown> = {
  chat: { model: "m", stream: true, messages: [{ role: "user", content: "hi" }] },
  messages: {
    model: "m",
    stream: true,
    max_tokens: 50,
    messages: [{ role: "user", content: "hi" }],
  },
  responses: { model: "m", stream: true, input: "hi" },
  gemini: { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
};

interface Streamed {
  chunks: string[];
  record: RequestRecord;
  turns: number;
}

/** Streams `reads` from a `provider` upstream to a `client`, reading `limit` chunks (all if unset). */
async function stream(
  client: InboundApiName,
  provider: InboundApiName,
  reads: string[],
  limit = Infinity,
): Promise<Streamed> {
  const turns = new CountedTurns();
  const gw: Gateway = {
    config: testConfig(providerPerApi("http://127.0.0.1:1", ["m"])),
    keys: new KeyRing([]),
    health: ALWAYS_HEALTHY,
    usage: DISCARD_USAGE,
    turns: turns,
  };
  const inCodec = CODECS[client];
  const outCodec = CODECS[provider];
  const unified = inCodec.toUnifiedRequest(
    REQUESTS[client],
    client === "gemini" ? { model: "m", stream: true } : {},
  );
  const call = new OpenCall(
    upstreamReads(reads),
    new AbortController(),
    {},
    Date.now(),
    new AbortController().signal,
    () => {},
  );
  const first = await call.read();
  const inbound = client === "gemini" ? { model: "m", stream: true, sse: true } : {};
  const scope = openScope({
    request: new Request("http://127.0.0.1/"),
    url: new URL("http://127.0.0.1/"),
    apiIn: client,
    inbound,
    requestId: "req-1",
    startedAt: Date.now(),
    signal: new AbortController().signal,
  }, gw);
  const record = scope.record;
  const response = answerStream(
    scope,
    {
      raw: {},
      unified,
      candidates: [],
      encodeContext: { request: unified, requestId: "req-1", sse: true },
    },
    {
      outCodec,
      inCodec,
      passThrough: client === provider,
      call,
      attemptStart: Date.now(),
      apiOut: provider,
      candidate: { provider: `p_${provider}`, model: "m" },
    },
    first,
  );
  const reader = response.body!.getReader();
  const chunks: string[] = [];
  while (chunks.length < limit) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(decoder.decode(value));
  }
  if (chunks.length >= limit) await reader.cancel();
  return { chunks, record, turns: turns.count };
}

const CHAT_FRAMES = sseFramesForLines("chat", readFixtureLines("chat/openai-text.chunks.txt"));
const MESSAGES_FRAMES = sseFramesForLines(
  "messages",
  readFixtureLines("messages/anthropic-text.chunks.txt"),
);

Deno.test("a translated burst sends its first frame's translation first, then the rest", async () => {
  const burst = await stream("messages", "chat", [CHAT_FRAMES.join("")]);
  const paced = await stream("messages", "chat", CHAT_FRAMES);
  assert.ok(burst.chunks.length >= 2, "the first frame went out on its own");
  assert.ok(burst.chunks[0].startsWith("event: message_start"), burst.chunks[0]);
  assert.ok(!burst.chunks[0].includes("content_block_delta"), "no later frame rode along");
  assert.equal(burst.chunks.join(""), paced.chunks.join(""), "same bytes as a paced stream");
  assert.deepEqual(burst.record.usage, paced.record.usage);
  assert.equal(burst.turns, 1, "one turn of the event loop after the first bytes");
});

Deno.test("a pass-through burst is forwarded as it came and its usage still counted", async () => {
  const whole = MESSAGES_FRAMES.join("");
  const burst = await stream("messages", "messages", [whole]);
  const paced = await stream("messages", "messages", MESSAGES_FRAMES);
  assert.equal(burst.chunks.join(""), whole);
  assert.equal(paced.chunks.join(""), whole);
  assert.ok(burst.record.usage !== undefined, "usage was read from the frames");
  assert.deepEqual(burst.record.usage, paced.record.usage);
  assert.ok(burst.record.ttftMs !== undefined, "first-token time was measured");
});

Deno.test("a client that leaves after the first bytes of a burst still gets its usage logged", async () => {
  const passThrough = await stream("messages", "messages", [MESSAGES_FRAMES.join("")], 1);
  assert.equal(passThrough.record.status, 499);
  assert.ok((passThrough.record.usage?.inputTokens ?? 0) > 0, "input tokens of message_start");
  const translated = await stream("chat", "messages", [MESSAGES_FRAMES.join("")], 1);
  assert.equal(translated.record.status, 499);
  assert.ok((translated.record.usage?.inputTokens ?? 0) > 0, "input tokens of message_start");
});

Deno.test("a burst with CRLF line endings is cut after its first frame too", async () => {
  const crlf = CHAT_FRAMES.map((frame) => frame.replaceAll("\n", "\r\n"));
  const burst = await stream("messages", "chat", [crlf.join("")]);
  const paced = await stream("messages", "chat", CHAT_FRAMES);
  assert.ok(!burst.chunks[0].includes("content_block_delta"), "no later frame rode along");
  assert.equal(burst.chunks.join(""), paced.chunks.join(""));
});
