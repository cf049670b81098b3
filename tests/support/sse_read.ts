/**
 * A deliberately small SSE reader for tests, kept apart from `src/wire/sse.ts` so the fake and
 * its checks do not share code with what they check. Follows the HTML Living Standard
 * "Server-sent events" §9.2.6 for the subset providers use: `event` and `data` fields, lines
 * ending in LF, CRLF or CR, a blank line ending an event.
 */

export interface ReadEvent {
  event?: string;
  data: string;
}

/** All events of a complete SSE body. */
export function parseSseText(text: string): ReadEvent[] {
  const events: ReadEvent[] = [];
  let event: string | undefined;
  let data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") {
      if (data.length > 0) {
        events.push(
          event === undefined ? { data: data.join("\n") } : { event, data: data.join("\n") },
        );
      }
      event = undefined;
      data = [];
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
  }
  return events;
}

/** Read a whole response body and parse it as SSE. */
export async function readSse(response: Response): Promise<ReadEvent[]> {
  return parseSseText(await response.text());
}
