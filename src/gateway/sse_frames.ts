/** Cutting a byte stream at SSE frame boundaries, so a forwarded stream never ends mid-frame. */

const LF = 10;
const CR = 13;

/**
 * Splits forwarded SSE bytes at the last frame end (a blank line), holding back a partial
 * frame until the rest of it arrives (WHATWG HTML, "Server-sent events", event stream
 * interpretation: a blank line dispatches the event).
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

/** Index just past the last `\n\n` or `\r\n\r\n`, or 0 when there is none. */
function lastFrameEnd(bytes: Uint8Array): number {
  for (let i = bytes.byteLength - 1; i >= 1; i--) {
    if (bytes[i] !== LF) continue;
    if (bytes[i - 1] === LF) return i + 1;
    if (bytes[i - 1] === CR && i >= 2 && bytes[i - 2] === LF) return i + 1;
  }
  return 0;
}

function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
