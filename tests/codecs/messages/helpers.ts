/** Shared helpers for the messages codec tests: fixtures, SSE replay, event folding. */
import { SseParser } from "../../../src/http/sse.ts";
import type { EncodeContext, SseEvent } from "../../../src/codecs/codec.ts";
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

export const FIXTURE_DIR = new URL(
  "../../../../shared/fixtures/recorded/messages/",
  import.meta.url,
);

export function readFixture(name: string): string {
  return Deno.readTextFileSync(new URL(name, FIXTURE_DIR));
}

export function fixtureNames(): string[] {
  return [...Deno.readDirSync(FIXTURE_DIR)].map((entry) => entry.name).sort();
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

/** The bytes Anthropic sends for a `.chunks.txt` file (fixtures README, framing table). */
export function framesFromChunks(fileText: string): string {
  return fileText
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`)
    .join("");
}

/** Parse SSE text delivered in pieces of `pieceSize` characters (0: all at once). */
export function parseSse(text: string, pieceSize = 0): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  if (pieceSize <= 0) events.push(...parser.push(text));
  else {
    for (let i = 0; i < text.length; i += pieceSize) {
      events.push(...parser.push(text.slice(i, i + pieceSize)));
    }
  }
  events.push(...parser.end());
  return events;
}

export function decodeSse(text: string, request = baseRequest(), pieceSize = 0): StreamEvent[] {
  const decoder = messagesCodec.createStreamDecoder(request);
  const out: StreamEvent[] = [];
  for (const event of parseSse(text, pieceSize)) out.push(...decoder.push(event));
  out.push(...decoder.end());
  return out;
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
        if (part?.type === "reasoning" && part.signature === undefined) {
          part.signature = event.signature;
        } else folded.content.push({ type: "reasoning", text: "", signature: event.signature });
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

/** SSE frames an encoder wrote, as `{event, data}` with parsed data. */
export function parseFrames(
  text: string,
): Array<{ event?: string; data: Record<string, unknown> }> {
  return parseSse(text).map((event) => ({
    event: event.event,
    data: JSON.parse(event.data) as Record<string, unknown>,
  }));
}
