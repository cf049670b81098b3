/**
 * One keep-alive TCP or TLS connection to a provider, with its read buffer. While it waits in
 * the pool a read stays posted, so a server that closes an idle connection is noticed at once
 * and the connection is dropped instead of being handed to the next request.
 */

import type { BodyDecoder } from "./body_decoder.ts";
import { headEnd, MalformedResponseError } from "./head.ts";

const textDecoder = new TextDecoder();
const INITIAL_BUFFER = 16 * 1024;

/** Where requests go: scheme, host and port, as one pool key. */
export interface Origin {
  key: string;
  secure: boolean;
  hostname: string;
  port: number;
  /** The `host` header: the host, with the port unless it is the scheme's default. */
  hostHeader: string;
}

export class Http1Connection {
  readonly origin: Origin;
  readonly #conn: Deno.Conn;
  /** Unread response bytes are `#buffer[#start, #end)`; only the methods below move them. */
  #buffer = new Uint8Array(INITIAL_BUFFER);
  #start = 0;
  #end = 0;
  /** Requests sent on this connection so far. */
  requests = 0;
  idle = false;
  idleSince = 0;
  /** How long the server said it keeps an idle connection (`Keep-Alive: timeout`). */
  keepAliveMs: number | undefined;
  closed = false;
  #postedRead: Promise<number | null> | undefined;

  constructor(origin: Origin, conn: Deno.Conn) {
    this.origin = origin;
    this.#conn = conn;
  }

  async write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
  }

  /** Whether bytes were read that nobody consumed yet. */
  get hasUnread(): boolean {
    return this.#start < this.#end;
  }

  /** The unread bytes through `body`, which keeps what it decoded in `pieces`. */
  decodeBody(body: BodyDecoder, pieces: Uint8Array[]): void {
    this.#start = body.feed(this.#buffer, this.#start, this.#end, pieces);
  }

  /**
   * The next response head's text without its blank line, consumed; undefined while it is not
   * all here. A head larger than `maxBytes` is no provider answering.
   */
  takeHead(maxBytes: number): string | undefined {
    const end = headEnd(this.#buffer, this.#start, this.#end);
    if (end < 0) {
      if (this.#end - this.#start > maxBytes) {
        throw new MalformedResponseError("response head too large");
      }
      return undefined;
    }
    const text = textDecoder.decode(this.#buffer.subarray(this.#start, end - 4));
    this.#start = end;
    return text;
  }

  /** Reads more bytes after the unread ones; false when the server closed the connection. */
  async fill(): Promise<boolean> {
    let read = this.#postedRead;
    this.#postedRead = undefined;
    if (read === undefined) {
      this.#makeRoom();
      read = this.#conn.read(this.#buffer.subarray(this.#end));
    }
    const count = await read;
    if (count === null) return false;
    this.#end += count;
    return true;
  }

  /** Parks the connection: posts a read that tells `onGone` if the server closes it meanwhile. */
  park(onGone: (connection: Http1Connection) => void): void {
    this.idle = true;
    this.idleSince = Date.now();
    this.#start = 0;
    this.#end = 0;
    const read = this.#conn.read(this.#buffer).catch(() => null);
    this.#postedRead = read;
    // An idle connection must not keep the process alive on its own.
    this.#conn.unref();
    read.then(() => {
      // Still idle: the server closed it, or sent bytes nobody asked for. Either way it is done.
      if (this.idle && this.#postedRead === read) onGone(this);
    });
  }

  /** Takes the connection out of the pool for a request. */
  unpark(): void {
    this.idle = false;
    this.#conn.ref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.idle = false;
    this.#postedRead = undefined;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the runtime after an error.
    }
  }

  /** Moves unread bytes to the front, and grows the buffer when it is full of them. */
  #makeRoom(): void {
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      return;
    }
    if (this.#end < this.#buffer.length) return;
    const unread = this.#end - this.#start;
    if (unread * 2 > this.#buffer.length) {
      const grown = new Uint8Array(this.#buffer.length * 2);
      grown.set(this.#buffer.subarray(this.#start, this.#end));
      this.#buffer = grown;
    } else {
      this.#buffer.copyWithin(0, this.#start, this.#end);
    }
    this.#start = 0;
    this.#end = unread;
  }
}
