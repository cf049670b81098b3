/**
 * Writes AWS event-stream messages the way a Bedrock endpoint does ("Event stream encoding"),
 * for the fake Bedrock and the decoder's tests. Its checksums come from `node:zlib`, not from
 * Plexus's own CRC-32, so the two check each other.
 */
import { crc32 } from "node:zlib";

const encoder = new TextEncoder();

/** One message whose headers are all strings (type 7), as Bedrock's are. */
export function eventStreamMessage(
  headers: Record<string, string>,
  payload: Uint8Array | string,
): Uint8Array {
  const body = typeof payload === "string" ? encoder.encode(payload) : payload;
  const headerBytes = encodeStringHeaders(headers);
  const total = 12 + headerBytes.byteLength + body.byteLength + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headerBytes.byteLength);
  view.setUint32(8, crc32(out.subarray(0, 8)));
  out.set(headerBytes, 12);
  out.set(body, 12 + headerBytes.byteLength);
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)));
  return out;
}

function encodeStringHeaders(headers: Record<string, string>): Uint8Array {
  const parts: number[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = encoder.encode(name);
    const valueBytes = encoder.encode(value);
    parts.push(nameBytes.byteLength, ...nameBytes, 7);
    parts.push(valueBytes.byteLength >> 8, valueBytes.byteLength & 0xff, ...valueBytes);
  }
  return new Uint8Array(parts);
}

/** A ConverseStream event (`:message-type: event`) with a JSON payload. */
export function bedrockEvent(eventType: string, payload: unknown): Uint8Array {
  return eventStreamMessage(
    { ":event-type": eventType, ":content-type": "application/json", ":message-type": "event" },
    JSON.stringify(payload),
  );
}

/** A ConverseStream exception event (`:message-type: exception`). */
export function bedrockException(exceptionType: string, message: string): Uint8Array {
  return eventStreamMessage(
    {
      ":exception-type": exceptionType,
      ":content-type": "application/json",
      ":message-type": "exception",
    },
    JSON.stringify({ message }),
  );
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
