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
import { emptyUsage } from "../../../src/codecs/unified.ts";
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

/** Join deltas into parts, the way a client would; a change of kind starts a new part. */
export function foldEvents(events: StreamEvent[]): FoldedStream {
  const folded: FoldedStream = { content: [], usage: emptyUsage(), errors: [] };
  const calls = new Map<number, ToolCallPart>();
  const last = () => folded.content[folded.content.length - 1];
  for (const event of events) {
    switch (event.type) {
      case "start":
        folded.id = event.id;
        folded.model = event.model;
        break;
      case "text_delta": {
        const part = last();
        if (part?.type === "text") part.text += event.text;
        else folded.content.push({ type: "text", text: event.text });
        break;
      }
      case "reasoning_delta": {
        const part = last();
        if (part?.type === "reasoning" && part.signature === undefined) part.text += event.text;
        else folded.content.push({ type: "reasoning", text: event.text });
        break;
      }
      case "reasoning_signature": {
        const part = last();
        const family = event.family === undefined ? {} : { family: event.family };
        if (part?.type === "reasoning" && part.signature === undefined) {
          Object.assign(part, { signature: event.signature, ...family });
        } else {
          folded.content.push({
            type: "reasoning",
            text: "",
            signature: event.signature,
            ...family,
          });
        }
        break;
      }
      case "reasoning_redacted":
        folded.content.push({ type: "reasoning", text: "", redactedData: event.data });
        break;
      case "tool_call_start": {
        const call: ToolCallPart = {
          type: "tool_call",
          id: event.id,
          name: event.name,
          arguments: "",
        };
        calls.set(event.index, call);
        folded.content.push(call);
        break;
      }
      case "tool_call_delta":
        calls.get(event.index)!.arguments += event.argumentsDelta;
        break;
      case "usage":
        for (const key of Object.keys(event.usage) as Array<keyof Usage>) {
          const value = event.usage[key];
          if (value !== undefined) folded.usage[key] = value;
        }
        break;
      case "finish":
        folded.stopReason = event.stopReason;
        folded.stopSequence = event.stopSequence;
        break;
      case "error":
        folded.errors.push(event.error);
        break;
      default:
        break;
    }
  }
  for (const call of calls.values()) if (call.arguments === "") call.arguments = "{}";
  return folded;
}
