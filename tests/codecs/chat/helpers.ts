/** Shared helpers for the chat codec tests: fixtures, SSE framing, event summaries. */
import type { EncodeContext } from "../../../src/codecs/codec.ts";
import { createStreamDecoder } from "../../../src/codecs/chat/stream_decode.ts";
import type {
  StopReason,
  StreamEvent,
  UnifiedRequest,
  Usage,
} from "../../../src/codecs/unified.ts";
import {
  collectToolCalls,
  dataFrames,
  decodePieces,
  fixtureNames as namesOf,
  parseSse,
  readFixture as read,
  type ToolCallSummary,
} from "../helpers.ts";

export function readFixture(name: string): string {
  return read("chat", name);
}

export function fixtureNames(suffix: string): string[] {
  return namesOf("chat", suffix);
}

/** The bytes OpenAI sends for a `.chunks.txt` file (fixtures README, "OpenAI chat" row). */
export function chatWireText(fileText: string): string {
  return dataFrames(fileText) + "data: [DONE]\n\n";
}

export function request(overrides: Partial<UnifiedRequest> = {}): UnifiedRequest {
  return { model: "alias", messages: [{ role: "user", content: [] }], stream: true, ...overrides };
}

export function encodeContext(overrides: Partial<UnifiedRequest> = {}): EncodeContext {
  return { request: request(overrides), requestId: "req_test" };
}

/** Wire text (in any number of pieces) → unified events, through the real SSE parser. */
export function decodeWire(pieces: string[], req: UnifiedRequest = request()): StreamEvent[] {
  return decodePieces(createStreamDecoder(req), pieces);
}

export interface StreamSummary {
  starts: Array<{ id: string; model: string; created: number }>;
  text: string;
  reasoning: string;
  signatures: string[];
  toolCalls: ToolCallSummary[];
  usage: Partial<Usage>;
  finishes: StopReason[];
  errors: string[];
}

/** What a client would assemble from a unified event stream. */
export function summarize(events: StreamEvent[]): StreamSummary {
  const summary: StreamSummary = {
    starts: [],
    text: "",
    reasoning: "",
    signatures: [],
    toolCalls: collectToolCalls(events),
    usage: {},
    finishes: [],
    errors: [],
  };
  for (const ev of events) {
    switch (ev.type) {
      case "start":
        summary.starts.push({ id: ev.id, model: ev.model, created: ev.created });
        break;
      case "text_delta":
        summary.text += ev.text;
        break;
      case "reasoning_delta":
        summary.reasoning += ev.text;
        break;
      case "reasoning_signature":
        summary.signatures.push(ev.signature);
        break;
      case "usage":
        summary.usage = { ...summary.usage, ...ev.usage };
        break;
      case "finish":
        summary.finishes.push(ev.stopReason);
        break;
      case "error":
        summary.errors.push(ev.error.message);
        break;
    }
  }
  return summary;
}

/** The JSON payloads of `data:` frames (without `[DONE]`), parsed with the real SSE parser. */
export function framePayloads(wire: string): unknown[] {
  return parseSse(wire)
    .filter((sse) => sse.data !== "[DONE]")
    .map((sse) => JSON.parse(sse.data));
}
