/** Shared test helpers: recorded fixtures, SSE framing and event collection. */
import { SseParser } from "../../../src/http/sse.ts";
import type { SseEvent, StreamDecoder } from "../../../src/codecs/codec.ts";
import type { StreamEvent, UnifiedRequest } from "../../../src/codecs/unified.ts";

export const FIXTURES = new URL("../../../../shared/fixtures/recorded/responses/", import.meta.url);

export function fixtureText(name: string): string {
  return Deno.readTextFileSync(new URL(name, FIXTURES));
}

export function fixtureNames(suffix: string): string[] {
  return [...Deno.readDirSync(FIXTURES)]
    .map((e) => e.name)
    .filter((n) => n.endsWith(suffix))
    .sort();
}

/** The bytes the Responses API sends for a `.chunks.txt` file (fixtures README). */
export function framedStream(fileText: string): string {
  return fileText.split("\n").filter((l) => l.trim() !== "").map((line) => {
    const type = (JSON.parse(line) as { type: string }).type;
    return `event: ${type}\ndata: ${line}\n\n`;
  }).join("");
}

/** Feeds `text` through a fresh SSE parser in pieces of `chunkSize` characters. */
export function parseSse(text: string, chunkSize = text.length): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (let i = 0; i < text.length; i += chunkSize) {
    events.push(...parser.push(text.slice(i, i + chunkSize)));
  }
  events.push(...parser.end());
  return events;
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
  toolCalls: Array<{ index: number; id: string; name: string; arguments: string; ended: boolean }>;
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
    toolCalls: [],
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
      case "tool_call_start":
        s.toolCalls[ev.index] = {
          index: ev.index,
          id: ev.id,
          name: ev.name,
          arguments: "",
          ended: false,
        };
        break;
      case "tool_call_delta":
        s.toolCalls[ev.index].arguments += ev.argumentsDelta;
        break;
      case "tool_call_end":
        s.toolCalls[ev.index].ended = true;
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

/** Parses the frames an encoder wrote: event name and JSON payload of each. */
export function framesOf(text: string): Array<{ event?: string; data: Record<string, unknown> }> {
  return parseSse(text).map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
}
