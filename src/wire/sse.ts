/**
 * Server-sent events: an incremental parser and a frame writer.
 * Implements the parsing rules of the HTML Living Standard, "Server-sent events" section 9.2.6:
 * lines end in LF, CRLF or CR; `data` lines join with LF; a blank line dispatches.
 */
import { TooLargeError } from "./too_large.ts";

/** One server-sent event as read off the wire. `event` is absent for data-only streams. */
export interface SseEvent {
  event?: string;
  data: string;
}

export class SseParser {
  /** The current line so far: it has no line end yet. */
  #partial = "";
  #event: string | undefined;
  #data: string[] = [];
  /** Characters of the frame being read, to hold it to `maxFrameChars`. */
  #frameChars = 0;
  /** A chunk ended in CR: a LF at the start of the next chunk belongs to it. */
  #skipLeadingLf = false;
  readonly #maxFrameChars: number;

  /** `maxFrameChars`: one event longer than this throws `TooLargeError` (a provider's fault). */
  constructor(maxFrameChars = Infinity) {
    this.#maxFrameChars = maxFrameChars;
  }

  /**
   * Feed decoded text; returns the events completed by it. Only the new text is scanned and the
   * unfinished line grows by appending, so a frame of n characters costs O(n) however it is cut.
   */
  push(text: string): SseEvent[] {
    if (this.#skipLeadingLf && text.charCodeAt(0) === 10) text = text.slice(1);
    this.#skipLeadingLf = false;
    const events: SseEvent[] = [];
    let start = 0;
    const length = text.length;
    for (let i = 0; i < length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      const piece = text.slice(start, i);
      const line = this.#partial === "" ? piece : this.#partial + piece;
      this.#partial = "";
      this.#line(line, events);
      if (ch === 13) {
        if (i + 1 < length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    if (start < length) {
      this.#partial += start === 0 ? text : text.slice(start);
      this.#checkSize(this.#partial.length);
    }
    return events;
  }

  /** The stream closed: an event without its final blank line is still delivered. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.#partial !== "") this.#line(this.#partial, events);
    this.#partial = "";
    this.#line("", events);
    return events;
  }

  #checkSize(pending: number): void {
    if (this.#frameChars + pending > this.#maxFrameChars) {
      throw new TooLargeError(
        "a server-sent event from the provider",
        this.#maxFrameChars,
        "upstream_frame_bytes",
      );
    }
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
      this.#frameChars = 0;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    this.#frameChars += line.length + 1;
    this.#checkSize(0);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
  }
}

/** One SSE frame. `data` must not contain line breaks (JSON.stringify output never does). */
export function sseFrame(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
