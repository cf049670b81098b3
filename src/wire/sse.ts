/**
 * Server-sent events: an incremental parser and a frame writer.
 * Implements the parsing rules of the HTML Living Standard, "Server-sent events" section 9.2.6:
 * lines end in LF, CRLF or CR; `data` lines join with LF; a blank line dispatches.
 */

/** One server-sent event as read off the wire. `event` is absent for data-only streams. */
export interface SseEvent {
  event?: string;
  data: string;
}

export class SseParser {
  #buffer = "";
  #event: string | undefined;
  #data: string[] = [];
  /** A chunk ended in CR: a LF at the start of the next chunk belongs to it. */
  #skipLeadingLf = false;

  /** Feed decoded text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    if (this.#skipLeadingLf && text.startsWith("\n")) text = text.slice(1);
    this.#skipLeadingLf = false;
    const input = this.#buffer + text;
    const events: SseEvent[] = [];
    let start = 0;
    const length = input.length;
    for (let i = 0; i < length; i++) {
      const ch = input.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.#line(input.slice(start, i), events);
      if (ch === 13) {
        if (i + 1 < length) {
          if (input.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    this.#buffer = start < length ? input.slice(start) : "";
    return events;
  }

  /** The stream closed: an event without its final blank line is still delivered. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.#buffer !== "") this.#line(this.#buffer, events);
    this.#buffer = "";
    this.#line("", events);
    return events;
  }

  #line(line: string, events: SseEvent[]): void {
    if (line === "") {
      if (this.#data.length > 0) {
        const event: SseEvent = { data: this.#data.join("\n") };
        if (this.#event !== undefined) event.event = this.#event;
        events.push(event);
      }
      this.#event = undefined;
      this.#data = [];
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
  }
}

/** One SSE frame. `data` must not contain line breaks (JSON.stringify output never does). */
export function sseFrame(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
