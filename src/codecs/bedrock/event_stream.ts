/**
 * AWS event-stream messages (`application/vnd.amazon.eventstream`), decoded incrementally.
 *
 * Layout ("Event stream encoding" in the Amazon Transcribe / Bedrock streaming docs): a 12-byte
 * prelude (total length, headers length, CRC-32 of those 8 bytes; big-endian uint32), the
 * headers, the payload, and a CRC-32 of everything before it. A message may arrive split across
 * reads, and one read may hold several messages.
 */
import { crc32 } from "./crc32.ts";

const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;
const MIN_MESSAGE_BYTES = PRELUDE_BYTES + CRC_BYTES;
/** The AWS SDKs' limits: a message of at most 16 MiB with at most 128 KiB of headers. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const MAX_HEADERS_BYTES = 128 * 1024;

export type HeaderValue = boolean | number | bigint | string | Uint8Array | Date;

export interface EventStreamMessage {
  headers: Map<string, HeaderValue>;
  payload: Uint8Array;
}

/** The bytes are not a well-formed event stream: a bad length, a bad checksum, a cut frame. */
export class EventStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventStreamError";
  }
}

/**
 * Collects bytes and hands out each message once it is complete. Buffered bytes grow by
 * doubling and are compacted as messages are consumed, so the work stays linear in the input
 * however it is split.
 */
export class EventStreamDecoder {
  #buffer = new Uint8Array(0);
  #start = 0;
  #end = 0;
  readonly #maxMessageBytes: number;
  #failure: unknown;

  constructor(maxMessageBytes = MAX_MESSAGE_BYTES) {
    this.#maxMessageBytes = maxMessageBytes;
  }

  /**
   * Feed the next bytes; returns the messages they complete. Throws `EventStreamError`; when
   * good messages came before the bad one in the same bytes, they are returned first and the
   * error is thrown by the next call.
   */
  push(chunk: Uint8Array): EventStreamMessage[] {
    if (this.#failure !== undefined) throw this.#failure;
    this.#append(chunk);
    const messages: EventStreamMessage[] = [];
    try {
      this.#decodeInto(messages);
    } catch (error) {
      if (messages.length === 0) throw error;
      this.#failure = error;
    }
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return messages;
  }

  #decodeInto(messages: EventStreamMessage[]): void {
    for (;;) {
      const available = this.#end - this.#start;
      if (available < PRELUDE_BYTES) return;
      const view = new DataView(this.#buffer.buffer, this.#buffer.byteOffset + this.#start);
      const total = readPrelude(this.#buffer, this.#start, view, this.#maxMessageBytes);
      if (available < total) return;
      const bytes = this.#buffer.subarray(this.#start, this.#start + total);
      messages.push(decodeMessage(bytes));
      this.#start += total;
    }
  }

  /** The stream ended: a partial message left over, or a failure not yet thrown, is an error. */
  end(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#end > this.#start) {
      throw new EventStreamError(
        `event stream ended inside a message (${this.#end - this.#start} bytes left over)`,
      );
    }
  }

  #append(chunk: Uint8Array): void {
    if (this.#end + chunk.byteLength > this.#buffer.byteLength) {
      const kept = this.#end - this.#start;
      const needed = kept + chunk.byteLength;
      if (needed <= this.#buffer.byteLength) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
      } else {
        const grown = new Uint8Array(Math.max(needed, this.#buffer.byteLength * 2, 1024));
        grown.set(this.#buffer.subarray(this.#start, this.#end), 0);
        this.#buffer = grown;
      }
      this.#start = 0;
      this.#end = kept;
    }
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.byteLength;
  }
}

/** Checks the prelude at `start` and returns the message's total length. */
function readPrelude(
  buffer: Uint8Array,
  start: number,
  view: DataView,
  maxMessageBytes: number,
): number {
  const total = view.getUint32(0);
  const headersLength = view.getUint32(4);
  if (view.getUint32(8) !== crc32(buffer, start, start + 8)) {
    throw new EventStreamError("event stream prelude checksum mismatch");
  }
  if (total < MIN_MESSAGE_BYTES || total > maxMessageBytes) {
    throw new EventStreamError(`event stream message length ${total} is out of bounds`);
  }
  if (headersLength > MAX_HEADERS_BYTES || headersLength > total - MIN_MESSAGE_BYTES) {
    throw new EventStreamError(`event stream headers length ${headersLength} is out of bounds`);
  }
  return total;
}

/** One whole message whose prelude was checked. */
function decodeMessage(bytes: Uint8Array): EventStreamMessage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = bytes.byteLength;
  if (view.getUint32(total - CRC_BYTES) !== crc32(bytes, 0, total - CRC_BYTES)) {
    throw new EventStreamError("event stream message checksum mismatch");
  }
  const headersEnd = PRELUDE_BYTES + view.getUint32(4);
  return {
    headers: decodeHeaders(bytes, view, PRELUDE_BYTES, headersEnd),
    payload: bytes.slice(headersEnd, total - CRC_BYTES),
  };
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The headers section: name length, name, value type, value; repeated. */
function decodeHeaders(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
): Map<string, HeaderValue> {
  const headers = new Map<string, HeaderValue>();
  const cursor = { at: start, end };
  while (cursor.at < end) {
    need(cursor, 1);
    const nameLength = bytes[cursor.at++];
    need(cursor, nameLength + 1);
    const name = decodeText(bytes.subarray(cursor.at, cursor.at + nameLength));
    cursor.at += nameLength;
    const type = bytes[cursor.at++];
    headers.set(name, readHeaderValue(bytes, view, cursor, type, name));
  }
  return headers;
}

interface Cursor {
  at: number;
  end: number;
}

function need(cursor: Cursor, n: number): void {
  if (cursor.at + n > cursor.end) {
    throw new EventStreamError("event stream header runs past its section");
  }
}

/** Header value types 0-9 ("Event stream encoding", header value types). */
function readHeaderValue(
  bytes: Uint8Array,
  view: DataView,
  cursor: Cursor,
  type: number,
  name: string,
): HeaderValue {
  const at = cursor.at;
  const take = (n: number) => {
    need(cursor, n);
    cursor.at += n;
  };
  switch (type) {
    case 0:
    case 1:
      return type === 0;
    case 2:
      take(1);
      return view.getInt8(at);
    case 3:
      take(2);
      return view.getInt16(at);
    case 4:
      take(4);
      return view.getInt32(at);
    case 5:
      take(8);
      return view.getBigInt64(at);
    case 8:
      take(8);
      return new Date(Number(view.getBigInt64(at)));
    case 6:
    case 7: {
      take(2);
      const length = view.getUint16(at);
      take(length);
      const raw = bytes.slice(at + 2, at + 2 + length);
      return type === 6 ? raw : decodeText(raw);
    }
    case 9:
      take(16);
      return [...bytes.subarray(at, at + 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
    default:
      throw new EventStreamError(`event stream header ${name} has unknown type ${type}`);
  }
}

function decodeText(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new EventStreamError("event stream header is not UTF-8");
  }
}
