/** Shared test helpers: recorded fixtures, SSE framing and event collection. */
import type { SseEvent, StreamDecoder } from "../../../src/codecs/codec.ts";
import type { StreamEvent, UnifiedRequest } from "../../../src/codecs/unified.ts";
import {
  collectToolCalls,
  fixtureNames as namesOf,
  readFixture,
  type ToolCallSummary,
} from "../helpers.ts";

export function fixtureText(name: string): string {
  return readFixture("responses", name);
}

export function fixtureNames(suffix: string): string[] {
  return namesOf("responses", suffix);
}

export function decodeAll(decoder: StreamDecoder, events: SseEvent[]): StreamEvent[] {
  return [...events.flatMap((e) => decoder.push(e)), ...decoder.end()];
}

export function baseRequest(overrides: Partial<UnifiedRequest> = {}): UnifiedRequest {
  return { model: "client-model", messages: [], stream: false, ...overrides };
}

/** What a stream says, joined: the facts every test compares. */
export interface StreamSummary {
  text: string;
  reasoning: string;
  encrypted: Array<{ id?: string; encryptedContent: string }>;
  toolCalls: ToolCallSummary[];
  usage: Record<string, number>;
  stopReason?: string;
  errors: string[];
  starts: number;
}

export function summarize(events: StreamEvent[]): StreamSummary {
  const s: StreamSummary = {
    text: "",
    reasoning: "",
    encrypted: [],
    toolCalls: collectToolCalls(events),
    usage: {},
    errors: [],
    starts: 0,
  };
  for (const ev of events) {
    switch (ev.type) {
      case "start":
        s.starts++;
        break;
      case "text_delta":
        s.text += ev.text;
        break;
      case "reasoning_delta":
        s.reasoning += ev.text;
        break;
      case "reasoning_encrypted":
        s.encrypted.push({ id: ev.id, encryptedContent: ev.encryptedContent });
        break;
      case "usage":
        for (const [k, v] of Object.entries(ev.usage)) if (v !== undefined) s.usage[k] = v;
        break;
      case "finish":
        s.stopReason = ev.stopReason;
        break;
      case "error":
        s.errors.push(`${ev.error.kind}: ${ev.error.message}`);
        break;
    }
  }
  return s;
}
