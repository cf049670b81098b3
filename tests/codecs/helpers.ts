/** Helpers shared by every codec's tests: recorded fixtures, SSE framing, stream plumbing. */
import { SseParser } from "../../src/wire/sse.ts";
import type { SseEvent, StreamDecoder } from "../../src/codecs/codec.ts";
import type { StreamEvent, UnifiedResponse } from "../../src/codecs/unified.ts";

export type WireApi = "chat" | "messages" | "responses" | "gemini";

/** `tests/fixtures/recorded/<api>/`, found from this file's place in the repo. */
export function fixtureDir(api: WireApi): URL {
  return new URL(`../fixtures/recorded/${api}/`, import.meta.url);
}

export function readFixture(api: WireApi, name: string): string {
  return Deno.readTextFileSync(new URL(name, fixtureDir(api)));
}

/** The recorded files of one API whose names end in `suffix`, sorted. */
export function fixtureNames(api: WireApi, suffix = ""): string[] {
  return [...Deno.readDirSync(fixtureDir(api))]
    .filter((entry) => entry.isFile && entry.name.endsWith(suffix))
    .map((entry) => entry.name)
    .sort();
}

function chunkLines(fileText: string): string[] {
  return fileText.split("\n").filter((line) => line.trim() !== "");
}

/** A `.chunks.txt` file framed as `data: <line>\n\n` per line (fixtures README: chat, Gemini). */
export function dataFrames(fileText: string): string {
  return chunkLines(fileText).map((line) => `data: ${line}\n\n`).join("");
}

/**
 * A `.chunks.txt` file framed as `event: <type>\ndata: <line>\n\n` per line, the event named
 * after the payload's `type` (fixtures README: Anthropic messages, OpenAI Responses).
 */
export function namedEventFrames(fileText: string): string {
  return chunkLines(fileText).map((line) => {
    const type = (JSON.parse(line) as { type: string }).type;
    return `event: ${type}\ndata: ${line}\n\n`;
  }).join("");
}

/** Cuts text into pieces of `size` characters (odd sizes split frames mid-line). */
export function splitEvery(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

/** SSE text through the real parser, delivered in pieces of `pieceSize` characters (0: whole). */
export function parseSse(text: string, pieceSize = 0): SseEvent[] {
  const parser = new SseParser();
  const pieces = pieceSize > 0 ? splitEvery(text, pieceSize) : [text];
  return [...pieces.flatMap((piece) => parser.push(piece)), ...parser.end()];
}

/** Feeds wire text in the given pieces to the real SSE parser and a decoder, then ends both. */
export function decodePieces(decoder: StreamDecoder, pieces: string[]): StreamEvent[] {
  const parser = new SseParser();
  const events: StreamEvent[] = [];
  for (const piece of pieces) {
    for (const sse of parser.push(piece)) events.push(...decoder.push(sse));
  }
  for (const sse of parser.end()) events.push(...decoder.push(sse));
  events.push(...decoder.end());
  return events;
}

/** The SSE frames an encoder wrote, as event name and parsed JSON payload. */
export function parseFrames(
  text: string,
): Array<{ event?: string; data: Record<string, unknown> }> {
  return parseSse(text).map((sse) => ({
    event: sse.event,
    data: JSON.parse(sse.data) as Record<string, unknown>,
  }));
}

export interface ToolCallSummary {
  index: number;
  id: string;
  name: string;
  arguments: string;
  ended: boolean;
}

/** Tool calls as a client assembles them from start, argument deltas and end, by index. */
export function collectToolCalls(events: StreamEvent[]): ToolCallSummary[] {
  const calls: ToolCallSummary[] = [];
  for (const ev of events) {
    if (ev.type === "tool_call_start") {
      calls[ev.index] = { index: ev.index, id: ev.id, name: ev.name, arguments: "", ended: false };
    } else if (ev.type === "tool_call_delta") {
      calls[ev.index].arguments += ev.argumentsDelta;
    } else if (ev.type === "tool_call_end") {
      calls[ev.index].ended = true;
    }
  }
  return calls;
}

/**
 * The unified events an upstream decoder would emit for `res`: each part in order with its
 * text and arguments cut into `size`-character deltas, then finish and usage.
 */
export function streamEventsFor(res: UnifiedResponse, size: number): StreamEvent[] {
  const events: StreamEvent[] = [
    { type: "start", id: res.id, model: res.model, created: res.created },
  ];
  let toolIndex = 0;
  for (const part of res.content) {
    if (part.type === "text") {
      for (const text of splitEvery(part.text, size)) events.push({ type: "text_delta", text });
      if (part.signature !== undefined) {
        events.push({ type: "text_signature", signature: part.signature });
      }
    } else if (part.type === "reasoning") {
      if (part.redactedData !== undefined) {
        events.push({ type: "reasoning_redacted", data: part.redactedData });
        continue;
      }
      for (const text of splitEvery(part.text, size)) {
        events.push({ type: "reasoning_delta", text });
      }
      if (part.signature !== undefined) {
        events.push({ type: "reasoning_signature", signature: part.signature });
      }
      if (part.encryptedContent !== undefined) {
        events.push({
          type: "reasoning_encrypted",
          id: part.id,
          encryptedContent: part.encryptedContent,
        });
      }
    } else if (part.type === "tool_call") {
      const index = toolIndex++;
      const start: StreamEvent = { type: "tool_call_start", index, id: part.id, name: part.name };
      if (part.signature !== undefined) start.signature = part.signature;
      events.push(start);
      for (const argumentsDelta of splitEvery(part.arguments, size)) {
        events.push({ type: "tool_call_delta", index, argumentsDelta });
      }
      events.push({ type: "tool_call_end", index });
    }
  }
  const finish: StreamEvent = { type: "finish", stopReason: res.stopReason };
  if (res.stopSequence !== undefined) finish.stopSequence = res.stopSequence;
  events.push(finish, { type: "usage", usage: res.usage });
  return events;
}
