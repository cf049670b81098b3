/**
 * Where SSE frames end, in bytes or text: a blank line, i.e. two line endings in a row, each LF,
 * CR or CRLF (WHATWG HTML, "Server-sent events", 9.2.6 "Interpreting an event stream": a blank
 * line dispatches the event). The one rule every cut of a forwarded or translated stream uses.
 */
import { joinBytes } from "./bytes.ts";

const LF = 10;
const CR = 13;

/**
 * Whether a blank line ends with the code `c0`, preceded by `c1` and `c2` (-1 where there is
 * none). `\r\n` is one line ending, so a LF after a CR looks one code further back.
 */
function endsBlankLine(c2: number, c1: number, c0: number): boolean {
  if (c0 !== LF && c0 !== CR) return false;
  if (c0 === LF && c1 === CR) return c2 === LF || c2 === CR;
  return c1 === LF || c1 === CR;
}

/** Index just past the first frame end in `text`, or the text's length when there is none. */
export function firstFrameEnd(text: string): number {
  let c2 = -1;
  let c1 = -1;
  for (let i = 0; i < text.length; i++) {
    const c0 = text.charCodeAt(i);
    if (endsBlankLine(c2, c1, c0)) return i + 1;
    c2 = c1;
    c1 = c0;
  }
  return text.length;
}

/** Index just past the last frame end in `bytes`, or 0 when there is none. */
export function lastFrameEnd(bytes: Uint8Array): number {
  for (let i = bytes.byteLength - 1; i >= 1; i--) {
    if (endsBlankLine(i >= 2 ? bytes[i - 2] : -1, bytes[i - 1], bytes[i])) return i + 1;
  }
  return 0;
}

/**
 * Splits forwarded SSE bytes at the last frame end, holding back a partial frame until the rest
 * of it arrives, so a forwarded stream never ends mid-frame (an error frame after a break would
 * otherwise be glued to half an event).
 */
export class FrameBoundary {
  #held: Uint8Array = new Uint8Array(0);

  /** The bytes up to and including the last complete frame; the rest is kept. */
  push(chunk: Uint8Array): Uint8Array {
    const bytes = this.#held.byteLength === 0 ? chunk : joinBytes(this.#held, chunk);
    const end = lastFrameEnd(bytes);
    this.#held = bytes.slice(end);
    return bytes.subarray(0, end);
  }

  /** Whatever is held when the upstream ended cleanly. */
  rest(): Uint8Array {
    const rest = this.#held;
    this.#held = new Uint8Array(0);
    return rest;
  }
}
