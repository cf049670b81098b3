/**
 * W3C Trace Context (w3.org/TR/trace-context, "traceparent Header"): parsing what a client sent
 * and formatting what Plexus sends upstream. Ids are lowercase hex; all-zero ids are invalid.
 */

export interface SpanContext {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** The `sampled` bit of trace-flags. */
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/**
 * The parent a client's `traceparent` names, or undefined when it is absent or malformed (the
 * spec says to start a new trace then). Version `ff` is forbidden; a future version may carry
 * more fields after ours, which version 00 may not.
 */
export function parseTraceparent(header: string | null): SpanContext | undefined {
  if (header === null || header.length > 512) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? "01" : "00"}`;
}

function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const byte of buffer) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** A random, non-zero id of 16 bytes (trace) or 8 bytes (span). */
export function newTraceId(): string {
  const id = randomHex(16);
  return id === ZERO_TRACE ? newTraceId() : id;
}

export function newSpanId(): string {
  const id = randomHex(8);
  return id === ZERO_SPAN ? newSpanId() : id;
}

/**
 * Parent-based sampling with a trace-id ratio for roots (the OpenTelemetry SDK's default
 * `parentbased_traceidratio`): a client's decision is followed; a new trace is sampled when its
 * id's last 8 bytes, read as a number, fall under the ratio, so every instance agrees.
 */
export function sampledFor(parent: SpanContext | undefined, traceId: string, ratio: number) {
  if (parent !== undefined) return parent.sampled;
  if (ratio >= 1) return true;
  if (ratio <= 0) return false;
  const low = parseInt(traceId.slice(18), 16) / 2 ** 56;
  return low < ratio;
}
