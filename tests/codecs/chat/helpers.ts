/** Shared helpers for the chat codec tests: fixtures, SSE framing, event summaries. */
import { SseParser } from "../../../src/http/sse.ts";
import type { EncodeContext } from "../../../src/codecs/codec.ts";
import { createStreamDecoder } from "../../../src/codecs/chat/stream_decode.ts";
import type {
  StopReason,
  StreamEvent,
  UnifiedRequest,
  Usage,
} from "../../../src/codecs/unified.ts";

export const FIXTURES = new URL("../../../../shared/fixtures/recorded/chat/", import.meta.url);

export function readFixture(name: string): string {
  return Deno.readTextFileSync(new URL(name, FIXTURES));
}

export function fixtureNames(suffix: string): string[] {
  return [...Deno.readDirSync(FIXTURES)]
    .map((entry) => entry.name)
    .filter((name) => name.endsWith(suffix))
    .sort();
}

/** The bytes OpenAI sends for a `.chunks.txt` file (fixtures README, "OpenAI chat" row). */
export function chatWireText(fileText: string): string {
  const frames = fileText.split("\n").filter((line) => line.trim() !== "").map((line) =>
    `data: ${line}\n\n`
  );
  frames.push("data: [DONE]\n\n");
  return frames.join("");
}

/** Cuts text into pieces of `size` characters, so frames split mid-line. */
export function splitEvery(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

export function request(overrides: Partial<UnifiedRequest> = {}): UnifiedRequest {
  return { model: "alias", messages: [{ role: "user", content: [] }], stream: true, ...overrides };
}

export function encodeContext(overrides: Partial<UnifiedRequest> = {}): EncodeContext {
  return { request: request(overrides), requestId: "req_test" };
}

/** Wire text (in any number of pieces) → unified events, through the real SSE parser. */
export function decodeWire(pieces: string[], req: UnifiedRequest = request()): StreamEvent[] {
  const parser = new SseParser();
  const decoder = createStreamDecoder(req);
  const events: StreamEvent[] = [];
  for (const piece of pieces) {
    for (const sse of parser.push(piece)) events.push(...decoder.push(sse));
  }
  for (const sse of parser.end()) events.push(...decoder.push(sse));
  events.push(...decoder.end());
  return events;
}

export interface StreamSummary {
  starts: Array<{ id: string; model: string; created: number }>;
  text: string;
  reasoning: string;
  signatures: string[];
  toolCalls: Array<{ index: number; id: string; name: string; arguments: string; ended: boolean }>;
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
    toolCalls: [],
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
      case "tool_call_start":
        summary.toolCalls[ev.index] = {
          index: ev.index,
          id: ev.id,
          name: ev.name,
          arguments: "",
          ended: false,
        };
        break;
      case "tool_call_delta":
        summary.toolCalls[ev.index].arguments += ev.argumentsDelta;
        break;
      case "tool_call_end":
        summary.toolCalls[ev.index].ended = true;
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
  const parser = new SseParser();
  return [...parser.push(wire), ...parser.end()]
    .filter((sse) => sse.data !== "[DONE]")
    .map((sse) => JSON.parse(sse.data));
}
