/** Shared test helpers for the Gemini codec: fixtures, a base request, stream plumbing. */
import type { StreamDecoder } from "../../../src/codecs/codec.ts";
import type { StreamEvent, UnifiedRequest } from "../../../src/codecs/unified.ts";
import { SseParser } from "../../../src/http/sse.ts";

/** `/work/shared/fixtures/recorded/gemini/`, found from this file's place in the repo. */
export const GEMINI_FIXTURES: string = decodeURIComponent(
  new URL("../../../../shared/fixtures/recorded/gemini/", import.meta.url).pathname,
);

export function fixtureNames(): string[] {
  return [...Deno.readDirSync(GEMINI_FIXTURES)].filter((entry) => entry.isFile)
    .map((entry) => entry.name).sort();
}

export function fixtureText(name: string): string {
  return Deno.readTextFileSync(GEMINI_FIXTURES + name);
}

/** A `.chunks.txt` file framed as Gemini's `alt=sse` stream: `data: <line>\n\n` per line. */
export function sseBytes(name: string): string {
  return fixtureText(name).split("\n").filter((line) => line.trim() !== "")
    .map((line) => `data: ${line}\n\n`).join("");
}

export function baseRequest(overrides: Partial<UnifiedRequest> = {}): UnifiedRequest {
  return {
    model: "gemini-2.5-flash",
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stream: false,
    ...overrides,
  };
}

/** Feeds text to a parser + decoder in the given pieces, then ends both. */
export function decodeSse(decoder: StreamDecoder, pieces: string[]): StreamEvent[] {
  const parser = new SseParser();
  const events: StreamEvent[] = [];
  for (const piece of pieces) {
    for (const sse of parser.push(piece)) events.push(...decoder.push(sse));
  }
  for (const sse of parser.end()) events.push(...decoder.push(sse));
  events.push(...decoder.end());
  return events;
}

/** Cuts a text at every `step` characters (odd steps split frames mid-line). */
export function splitEvery(text: string, step: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += step) pieces.push(text.slice(i, i + step));
  return pieces;
}

export function joinText(events: StreamEvent[], type: "text_delta" | "reasoning_delta"): string {
  return events.map((event) => event.type === type ? event.text : "").join("");
}
