/**
 * Access to the recorded provider traffic in `tests/fixtures/recorded/` and the wire
 * framing that turns a `.chunks.txt` file back into the bytes the provider sent.
 * Framing rules: `tests/fixtures/recorded/README.md`, "Turning a `.chunks.txt` file into
 * the bytes the API sends". Independent of `src/` on purpose: this is the reference side.
 */

export type WireApi = "chat" | "messages" | "responses" | "gemini";

export const WIRE_APIS: readonly WireApi[] = ["chat", "messages", "responses", "gemini"];

/** Absolute path of the recorded fixture directory, with a trailing slash. */
export const FIXTURES_DIR: string = decodeURIComponent(
  new URL("../fixtures/recorded/", import.meta.url).pathname,
);

export function readFixtureText(relPath: string): string {
  return Deno.readTextFileSync(FIXTURES_DIR + relPath);
}

/** The non-empty lines of a `.chunks.txt` fixture, each kept byte for byte. */
export function readFixtureLines(relPath: string): string[] {
  return readFixtureText(relPath).split("\n").filter((line) => line.trim() !== "");
}

/** The parsed body of a `.json` fixture. */
export function readFixtureJson(relPath: string): unknown {
  return JSON.parse(readFixtureText(relPath));
}

/** Relative paths (`chat/openai-text.json`, …) of every fixture recorded for one API, sorted. */
export function fixtureFiles(api: WireApi): string[] {
  const names: string[] = [];
  for (const entry of Deno.readDirSync(FIXTURES_DIR + api)) {
    if (entry.isFile && (entry.name.endsWith(".json") || entry.name.endsWith(".chunks.txt"))) {
      names.push(`${api}/${entry.name}`);
    }
  }
  return names.sort();
}

/** The API a fixture belongs to, from its top-level folder. */
export function fixtureApi(relPath: string): WireApi {
  const folder = relPath.split("/")[0];
  const api = WIRE_APIS.find((name) => name === folder);
  if (api === undefined) throw new Error(`fixture ${relPath} is not under an API folder`);
  return api;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `type` field of a stored stream line (Anthropic and Responses name their SSE events by it). */
export function eventTypeOf(line: string): string {
  const parsed: unknown = JSON.parse(line);
  if (!isRecord(parsed) || typeof parsed.type !== "string") {
    throw new Error(`stream line has no string "type": ${line.slice(0, 80)}`);
  }
  return parsed.type;
}

/**
 * One stored line as the SSE frame the provider sends; README table "one line `L` becomes".
 * Anthropic and Responses name the event after `type`; chat and Gemini send data-only events.
 */
export function sseFrameForLine(api: WireApi, line: string): string {
  if (api === "messages" || api === "responses") {
    return `event: ${eventTypeOf(line)}\ndata: ${line}\n\n`;
  }
  return `data: ${line}\n\n`;
}

/** The frames of a whole stream; only chat ends with `data: [DONE]`. */
export function sseFramesForLines(api: WireApi, lines: readonly string[]): string[] {
  const frames = lines.map((line) => sseFrameForLine(api, line));
  if (api === "chat") frames.push("data: [DONE]\n\n");
  return frames;
}

/**
 * Gemini `streamGenerateContent` without `alt=sse` answers one JSON array of the chunks.
 * Returned as pieces so a stalled or dropped array can be simulated piece by piece.
 */
export function jsonArrayPieces(lines: readonly string[]): string[] {
  if (lines.length === 0) return ["[]"];
  return lines.map((line, i) => (i === 0 ? "[" : ",\r\n") + line).concat(["]"]);
}

const ANTHROPIC_STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

const OPENAI_STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  insufficient_quota: 429,
};

/**
 * The HTTP status a recorded `.json` body came with: 200 for a success body, the status the
 * fixtures README lists for an error body ("File format", error bodies).
 */
export function statusForFixtureBody(body: unknown): number {
  if (!isRecord(body)) return 200;
  const error = body.error;
  if (body.type === "error" && isRecord(error)) {
    const type = typeof error.type === "string" ? error.type : "";
    return ANTHROPIC_STATUS_BY_ERROR_TYPE[type] ?? 500;
  }
  if (!isRecord(error)) return 200;
  if (typeof error.code === "number") return error.code;
  const type = typeof error.type === "string" ? error.type : "";
  return OPENAI_STATUS_BY_ERROR_TYPE[type] ?? 400;
}
