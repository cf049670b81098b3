/** Shared helpers for the messages codec tests: fixtures, SSE replay, event folding. */
import type { EncodeContext } from "../../../src/codecs/codec.ts";
import type {
  ReasoningPart,
  StopReason,
  StreamEvent,
  TextPart,
  ToolCallPart,
  UnifiedRequest,
  Usage,
} from "../../../src/codecs/unified.ts";
import { foldEvents as foldStreamEvents } from "../../../src/codecs/events_to_response.ts";
import { messagesCodec } from "../../../src/codecs/messages/mod.ts";
import {
  decodePieces,
  fixtureNames as namesOf,
  readFixture as read,
  splitEvery,
} from "../helpers.ts";

export function readFixture(name: string): string {
  return read("messages", name);
}

export function fixtureNames(): string[] {
  return namesOf("messages");
}

export function baseRequest(overrides: Partial<UnifiedRequest> = {}): UnifiedRequest {
  return {
    model: "claude-test",
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stream: false,
    ...overrides,
  };
}

export function encodeContext(request: UnifiedRequest = baseRequest()): EncodeContext {
  return { request, requestId: "req_test" };
}

/** SSE text, delivered in pieces of `pieceSize` characters (0: whole), through the decoder. */
export function decodeSse(text: string, request = baseRequest(), pieceSize = 0): StreamEvent[] {
  const pieces = pieceSize > 0 ? splitEvery(text, pieceSize) : [text];
  return decodePieces(messagesCodec.createStreamDecoder(request), pieces);
}

/** What a stream of unified events adds up to. */
export interface FoldedStream {
  id?: string;
  model?: string;
  content: Array<TextPart | ToolCallPart | ReasoningPart>;
  usage: Usage;
  stopReason?: StopReason;
  stopSequence?: string;
  errors: Array<{ kind: string; message: string; status: number }>;
}

/** Join deltas into parts, the way a client would (`src/codecs/events_to_response.ts`). */
export function foldEvents(events: StreamEvent[]): FoldedStream {
  const { response, errors, finished } = foldStreamEvents(events);
  const started = events.some((event) => event.type === "start");
  return {
    ...(started ? { id: response.id, model: response.model } : {}),
    content: response.content,
    usage: response.usage,
    ...(finished ? { stopReason: response.stopReason } : {}),
    ...(response.stopSequence !== undefined ? { stopSequence: response.stopSequence } : {}),
    errors,
  };
}
