/**
 * HTTP/1.1 message heads as bytes: the request head Plexus writes to a provider and the response
 * head it reads back (RFC 9112). Pure functions, no I/O.
 */
import { TransportError, type TransportPhase } from "../types.ts";

/** How the body after a response head is delimited (RFC 9112 section 6.3). */
export type Framing =
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  | { kind: "close" };

export interface ResponseHead {
  status: number;
  statusText: string;
  /** Header names lower-cased, in arrival order. */
  headers: [string, string][];
  framing: Framing;
  /** The connection may carry another request once this body is read. */
  keepAlive: boolean;
  /** The server's `Keep-Alive: timeout=N`, in milliseconds, when it sent one. */
  keepAliveMs?: number;
}

/** A head or body that is not HTTP/1.x or breaks its framing rules. */
export class MalformedResponseError extends TransportError {
  constructor(detail: string, phase: TransportPhase = "exchange") {
    super("malformed", phase, `malformed upstream response: ${detail}`);
    this.name = "MalformedResponseError";
  }
}

const FORBIDDEN_IN_HEADER = /[\r\n\0]/;
/** Headers Plexus frames itself; a caller's copy would contradict the bytes written. */
const FRAMING_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "host"]);

/**
 * The request head for a body of `bodyLength` bytes. Rejects CR, LF and NUL in names and values,
 * so a header taken from config or a client can never smuggle a second request.
 */
export function requestHead(
  method: string,
  target: string,
  host: string,
  headers: Iterable<[string, string]>,
  bodyLength: number,
): string {
  let head = `${method} ${target} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of headers) {
    if (FORBIDDEN_IN_HEADER.test(name) || FORBIDDEN_IN_HEADER.test(value)) {
      throw new TypeError(`header ${JSON.stringify(name)} has a line break or NUL in it`);
    }
    if (FRAMING_HEADERS.has(name.toLowerCase())) continue;
    head += `${name}: ${value}\r\n`;
  }
  return `${head}content-length: ${bodyLength}\r\n\r\n`;
}

/** Index just past the blank line ending a head in `bytes[start, end)`, or -1 if not there yet. */
export function headEnd(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start + 3; i < end; i++) {
    if (
      bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13
    ) return i + 1;
  }
  return -1;
}

/** Parses a response head (status line and header lines, without the final blank line). */
export function parseResponseHead(text: string): ResponseHead {
  const lines = text.split("\r\n");
  const statusLine = lines[0];
  const match = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (match === null) {
    throw new MalformedResponseError(`bad status line ${JSON.stringify(statusLine.slice(0, 40))}`);
  }
  const minor = match[1];
  const status = Number(match[2]);
  const headers: [string, string][] = [];
  let contentLength: number | undefined;
  let transferEncoding: string | undefined;
  let connection = "";
  let keepAliveMs: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0 || line[0] === " " || line[0] === "\t") {
      throw new MalformedResponseError(`bad header line ${JSON.stringify(line.slice(0, 40))}`);
    }
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.push([name, value]);
    if (name === "content-length") {
      if (!/^\d{1,15}$/.test(value)) throw new MalformedResponseError("bad content-length");
      const length = Number(value);
      if (contentLength !== undefined && contentLength !== length) {
        throw new MalformedResponseError("conflicting content-length headers");
      }
      contentLength = length;
    } else if (name === "transfer-encoding") {
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
    } else if (name === "connection") {
      connection += `${value.toLowerCase()},`;
    } else if (name === "keep-alive") {
      const timeout = /(?:^|[,;\s])timeout=(\d+)/i.exec(value);
      if (timeout !== null) keepAliveMs = Number(timeout[1]) * 1000;
    }
  }
  const framing = framingOf(status, transferEncoding, contentLength);
  const keepAlive = framing.kind !== "close" &&
    (minor === "1" ? !/(^|[\s,])close,/.test(connection) : /(^|[\s,])keep-alive,/.test(connection));
  return {
    status,
    statusText: match[3] ?? "",
    headers,
    framing,
    keepAlive,
    ...(keepAliveMs === undefined ? {} : { keepAliveMs }),
  };
}

function framingOf(
  status: number,
  transferEncoding: string | undefined,
  contentLength: number | undefined,
): Framing {
  if (status < 200 || status === 204 || status === 304) return { kind: "length", length: 0 };
  if (transferEncoding !== undefined) {
    // Chunked must be the final coding; anything else runs until the server closes.
    const codings = transferEncoding.toLowerCase().split(",").map((c) => c.trim());
    return codings[codings.length - 1] === "chunked" ? { kind: "chunked" } : { kind: "close" };
  }
  if (contentLength !== undefined) return { kind: "length", length: contentLength };
  return { kind: "close" };
}
