/** Shared helpers for the Bedrock codec tests: recorded fixtures as event-stream bytes. */
import type { UnifiedRequest } from "../../../src/codecs/unified.ts";
import { bedrockEvent, concatBytes } from "../../support/aws_event_stream.ts";

const FIXTURES = new URL("../../fixtures/bedrock/", import.meta.url);

export function readFixture(name: string): string {
  return Deno.readTextFileSync(new URL(name, FIXTURES));
}

/**
 * A `.chunks.txt` recording (one `{"<event type>": payload}` per line, as the Vercel AI SDK
 * saves ConverseStream output) as the binary event stream Bedrock sent.
 */
export function recordedStream(name: string): Uint8Array {
  const lines = readFixture(name).split("\n").filter((line) => line.trim() !== "");
  return concatBytes(lines.map((line) => {
    const [[type, payload]] = Object.entries(JSON.parse(line) as Record<string, unknown>);
    return bedrockEvent(type, payload);
  }));
}

export function baseRequest(overrides: Partial<UnifiedRequest> = {}): UnifiedRequest {
  return {
    model: "alias",
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stream: false,
    ...overrides,
  };
}

export const CLAUDE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
