/** Shared test helpers for the Gemini codec: fixtures, a base request, stream plumbing. */
import type { StreamEvent, UnifiedRequest } from "../../../src/codecs/unified.ts";
import { dataFrames, fixtureNames as namesOf, readFixture } from "../helpers.ts";

export function fixtureNames(): string[] {
  return namesOf("gemini");
}

export function fixtureText(name: string): string {
  return readFixture("gemini", name);
}

/** A `.chunks.txt` file framed as Gemini's `alt=sse` stream: `data: <line>\n\n` per line. */
export function sseBytes(name: string): string {
  return dataFrames(fixtureText(name));
}

export function baseRequest(overrides: Partial<UnifiedRequest> = {}): UnifiedRequest {
  return {
    model: "gemini-2.5-flash",
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stream: false,
    ...overrides,
  };
}

export function joinText(events: StreamEvent[], type: "text_delta" | "reasoning_delta"): string {
  return events.map((event) => event.type === type ? event.text : "").join("");
}
