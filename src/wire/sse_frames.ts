/**
 * Where SSE frames end, in bytes or text: a blank line, i.e. two line endings in a row, each LF,
 * CR or CRLF (WHATWG HTML, "Server-sent events", 9.2.6 "Interpreting an event stream": a blank
 * line dispatches the event). The one rule every cut of a forwarded or translated stream uses.
 */
import { concatBytes } from "./bytes.ts";
import { TooLargeError } from "./too_large.ts";

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
 * Index just past the last frame end in `bytes`, or 0 when there is none; `c2` and `c1` are the
 * two codes before `bytes[0]` (-1 where there is none), so an end split across chunks is seen.
 */
function lastFrameEndAfter(bytes: Uint8Array, c2: number, c1: number): number {
  for (let i = bytes.byteLength - 1; i >= 0; i--) {
    const before1 = i >= 1 ? bytes[i - 1] : c1;
    const before2 = i >= 2 ? bytes[i - 2] : i === 1 ? c1 : c2;
    if (endsBlankLine(before2, before1, bytes[i])) return i + 1;
  }
  return 0;
}

/** Remembers the last two codes of a byte stream, for `lastFrameEndAfter`. */
class Tail {
  c2 = -1;
  c1 = -1;

  follow(bytes: Uint8Array): void {
    const n = bytes.byteLength;
    if (n >= 2) {
      this.c2 = bytes[n - 2];
      this.c1 = bytes[n - 1];
    } else if (n === 1) {
      this.c2 = this.c1;
      this.c1 = bytes[0];
    }
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Splits forwarded SSE bytes at the last frame end, holding back a partial frame until the rest
 * of it arrives, so a forwarded stream never ends mid-frame (an error frame after a break would
 * otherwise be glued to half an event). Each byte is looked at once and copied at most once, so
 * a frame of n bytes costs O(n) however it is cut; a frame over `maxFrameBytes` throws.
 */
export class FrameBoundary {
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  readonly #tail = new Tail();
  readonly #maxFrameBytes: number;

  constructor(maxFrameBytes = Infinity) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** The bytes up to and including the last complete frame; the rest is kept. */
  push(chunk: Uint8Array): Uint8Array {
    const end = lastFrameEndAfter(chunk, this.#tail.c2, this.#tail.c1);
    this.#tail.follow(chunk);
    if (end === 0) {
      this.#hold(chunk);
      return EMPTY;
    }
    const head = chunk.subarray(0, end);
    const whole = this.#held.length === 0 ? head : concatBytes([...this.#held, head]);
    this.#held = [];
    this.#heldBytes = 0;
    if (end < chunk.byteLength) this.#hold(chunk.slice(end));
    return whole;
  }

  /** Whatever is held when the upstream ended cleanly. */
  rest(): Uint8Array {
    const rest = this.#held.length === 0 ? EMPTY : concatBytes(this.#held);
    this.#held = [];
    this.#heldBytes = 0;
    return rest;
  }

  #hold(bytes: Uint8Array): void {
    this.#held.push(bytes);
    this.#heldBytes += bytes.byteLength;
    if (this.#heldBytes > this.#maxFrameBytes) {
      throw new TooLargeError(
        "a server-sent event from the provider",
        this.#maxFrameBytes,
        "upstream_frame_bytes",
      );
    }
  }
}

/** Tells whether a chunk of an SSE byte stream completed at least one frame. */
export class FrameEnds {
  readonly #tail = new Tail();

  completedIn(chunk: Uint8Array): boolean {
    const found = lastFrameEndAfter(chunk, this.#tail.c2, this.#tail.c1) > 0;
    this.#tail.follow(chunk);
    return found;
  }
}
