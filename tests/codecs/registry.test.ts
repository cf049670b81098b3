/**
 * The registry is the one list of wire APIs: every codec in it fulfils its side of the contract
 * completely, so the gateway never meets a half-registered API.
 */
import assert from "node:assert/strict";
import {
  type ClientDialect,
  type Codec,
  isInbound,
  type OutboundCodec,
  type SseEvent,
} from "../../src/codecs/codec.ts";
import { API_NAMES, CODECS, INBOUND_API_NAMES } from "../../src/codecs/registry.ts";
import type { StreamEvent, UnifiedRequest } from "../../src/codecs/unified.ts";
import { dataFrames, fixtureNames, namedEventFrames, parseSse, readFixture } from "./helpers.ts";

/** Every hook of each side; the compiler fails here when a hook is added to the contract. */
const OUTBOUND_HOOKS = {
  api: "required",
  fromUnifiedRequest: "required",
  toUnifiedResponse: "required",
  createStreamDecoder: "required",
  createFrameReader: "optional",
  upstreamUrl: "required",
  upstreamHeaders: "required",
  upstreamErrorMessage: "required",
  upstreamErrorKind: "optional",
  signUpstream: "optional",
} as const satisfies Record<keyof OutboundCodec, "required" | "optional">;

const CLIENT_HOOKS = {
  routes: "required",
  recognise: "required",
  toUnifiedRequest: "required",
  fromUnifiedResponse: "required",
  createStreamEncoder: "required",
  errorStatus: "required",
  renderError: "required",
  models: "required",
  countTokens: "optional",
  passThrough: "required",
} as const satisfies Record<keyof ClientDialect, "required" | "optional">;

function missing(codec: Codec, hooks: Record<string, "required" | "optional">): string[] {
  const record = codec as unknown as Record<string, unknown>;
  return Object.entries(hooks)
    .filter(([name, need]) => need === "required" && record[name] === undefined)
    .map(([name]) => name);
}

Deno.test("every registered codec has every provider-side hook, and its registry name", () => {
  for (const api of API_NAMES) {
    const codec: Codec = CODECS[api];
    assert.equal(codec.api, api);
    assert.deepEqual(missing(codec, OUTBOUND_HOOKS), [], api);
  }
});

Deno.test("a codec with any client-side hook has all of them, and at least one route", () => {
  for (const api of API_NAMES) {
    const codec: Codec = CODECS[api];
    const present = Object.keys(CLIENT_HOOKS).filter((name) => name in codec);
    if (present.length === 0) continue; // outbound only: no routes, never a client's dialect
    assert.deepEqual(missing(codec, CLIENT_HOOKS), [], api);
    assert.ok(isInbound(codec) && codec.routes.length > 0, api);
    const passThrough = isInbound(codec) ? codec.passThrough : undefined;
    assert.equal(typeof passThrough?.withModel, "function", api);
    assert.equal(typeof passThrough?.mayCarryUsage, "function", api);
  }
  assert.deepEqual(INBOUND_API_NAMES, API_NAMES.filter((api) => isInbound(CODECS[api])));
});

const REQUEST: UnifiedRequest = { model: "m", messages: [], stream: true };
const NAMED_EVENTS = new Set(["messages", "responses"]);

/** Recorded upstream streams of one API, as SSE events. */
function recordedStreams(api: string): SseEvent[][] {
  const framing = NAMED_EVENTS.has(api) ? namedEventFrames : dataFrames;
  return fixtureNames(api as "chat", ".chunks.txt").map((name) =>
    parseSse(framing(readFixture(api as "chat", name)))
  );
}

/** What the codec's own encoder writes for an answer with usage, then for one that fails. */
function encodedStreams(api: string): SseEvent[][] {
  const codec = CODECS[api as "chat"];
  const context = { request: REQUEST, requestId: "req-1", sse: true };
  const events: StreamEvent[][] = [[
    { type: "start", id: "r1", model: "m", created: 1 },
    { type: "text_delta", text: "hi" },
    { type: "usage", usage: { inputTokens: 3, outputTokens: 1 } },
    { type: "finish", stopReason: "end_turn" },
  ], [
    { type: "start", id: "r2", model: "m", created: 1 },
    { type: "text_delta", text: "hi" },
    { type: "error", error: { kind: "bad_gateway", message: "broke", status: 502 } },
  ]];
  return events.map((stream) => {
    const encoder = codec.createStreamEncoder(context);
    return parseSse(stream.map((event) => encoder.push(event)).join("") + encoder.end());
  });
}

Deno.test("pass-through parses every frame that carries usage or an error (mayCarryUsage)", () => {
  for (const api of INBOUND_API_NAMES) {
    const codec = CODECS[api];
    const streams = [...recordedStreams(api), ...encodedStreams(api)];
    let checked = 0;
    for (const stream of streams) {
      const decoder = codec.createStreamDecoder(REQUEST);
      for (const frame of stream) {
        const decoded = decoder.push(frame);
        if (!decoded.some((event) => event.type === "usage" || event.type === "error")) continue;
        checked++;
        assert.ok(codec.passThrough.mayCarryUsage(frame.data), `${api}: ${frame.data}`);
      }
    }
    assert.ok(checked >= 3, `${api}: frames with usage or an error were found (${checked})`);
  }
});
