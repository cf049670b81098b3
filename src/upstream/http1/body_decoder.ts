/**
 * Incremental decoding of an HTTP/1.1 response body from the bytes as they arrive, whatever the
 * framing (content-length, chunked, or until the server closes). Pure: it returns views of the
 * input, which the caller copies before reusing its buffer.
 */
import { type Framing, MalformedResponseError } from "./head.ts";

const CR = 13;
const LF = 10;
/** A chunk-size line longer than this is an attack or a bug, not HTTP. */
const MAX_SIZE_LINE = 1024;

enum State {
  Size,
  Data,
  DataEnd,
  Trailer,
  Done,
}

export class BodyDecoder {
  readonly #framing: Framing["kind"];
  #state: State = State.Size;
  /** Bytes left in the fixed-length body or in the current chunk. */
  #remaining: number;
  #sizeLine = "";
  /** Trailer section: bytes seen on the current line, CR excluded. */
  #lineLength = 0;

  constructor(framing: Framing) {
    this.#framing = framing.kind;
    this.#remaining = framing.kind === "length" ? framing.length : 0;
    if (framing.kind === "length" && framing.length === 0) this.#state = State.Done;
  }

  /** The whole body has been decoded; bytes after it belong to the next response. */
  get done(): boolean {
    return this.#state === State.Done;
  }

  /**
   * Decodes from `bytes[start, end)`, appending body pieces (views of `bytes`) to `out`.
   * Returns the index after the last byte consumed: `end`, or less once the body is done.
   */
  feed(bytes: Uint8Array, start: number, end: number, out: Uint8Array[]): number {
    if (this.#framing === "close") {
      if (end > start) out.push(bytes.subarray(start, end));
      return end;
    }
    if (this.#framing === "length") {
      const take = Math.min(this.#remaining, end - start);
      if (take > 0) out.push(bytes.subarray(start, start + take));
      this.#remaining -= take;
      if (this.#remaining === 0) this.#state = State.Done;
      return start + take;
    }
    let at = start;
    while (at < end && this.#state !== State.Done) {
      switch (this.#state) {
        case State.Size:
          at = this.#readSizeLine(bytes, at, end);
          break;
        case State.Data: {
          const take = Math.min(this.#remaining, end - at);
          out.push(bytes.subarray(at, at + take));
          at += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = State.DataEnd;
          break;
        }
        case State.DataEnd:
          // CRLF after the chunk data; a bare LF is tolerated, as most clients do.
          if (bytes[at] === CR) at++;
          else if (bytes[at] === LF) {
            at++;
            this.#state = State.Size;
          } else throw new MalformedResponseError("chunk data longer than its size", "body");
          break;
        case State.Trailer:
          at = this.#readTrailer(bytes, at, end);
          break;
      }
    }
    return at;
  }

  /**
   * The server closed the connection. Fine only for a close-delimited body; otherwise the body
   * was cut short.
   */
  finish(): void {
    if (this.#framing === "close") this.#state = State.Done;
    if (this.#state !== State.Done) {
      throw new MalformedResponseError("connection closed before the body was complete", "body");
    }
  }

  #readSizeLine(bytes: Uint8Array, at: number, end: number): number {
    const lf = bytes.indexOf(LF, at);
    const lineEnd = lf === -1 || lf >= end ? end : lf;
    for (let i = at; i < lineEnd; i++) this.#sizeLine += String.fromCharCode(bytes[i]);
    if (this.#sizeLine.length > MAX_SIZE_LINE) {
      throw new MalformedResponseError("chunk size line too long", "body");
    }
    if (lineEnd === end) return end;
    // Size in hex, then optional extensions after ";" (ignored).
    const digits = this.#sizeLine.split(";", 1)[0].trim();
    this.#sizeLine = "";
    if (!/^[0-9a-fA-F]{1,13}$/.test(digits)) {
      throw new MalformedResponseError("bad chunk size", "body");
    }
    const size = parseInt(digits, 16);
    if (size === 0) {
      this.#state = State.Trailer;
      this.#lineLength = 0;
    } else {
      this.#remaining = size;
      this.#state = State.Data;
    }
    return lf + 1;
  }

  /** Skips trailer fields up to and including the blank line that ends the message. */
  #readTrailer(bytes: Uint8Array, at: number, end: number): number {
    while (at < end) {
      const byte = bytes[at++];
      if (byte === LF) {
        if (this.#lineLength === 0) {
          this.#state = State.Done;
          return at;
        }
        this.#lineLength = 0;
      } else if (byte !== CR) {
        this.#lineLength++;
      }
    }
    return at;
  }
}
