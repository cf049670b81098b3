/**
 * Spans as an OTLP `ExportTraceServiceRequest`, in the two OTLP/HTTP encodings
 * (opentelemetry.io/docs/specs/otlp, "OTLP/HTTP"): binary protobuf (the default of the
 * `http/protobuf` protocol) and JSON (`http/json`: hex ids, enums as numbers, 64-bit integers
 * as decimal strings). Field numbers are those of opentelemetry-proto's `trace/v1/trace.proto`
 * and `common/v1/common.proto`.
 */
import type { Attributes, AttributeValue, SpanData } from "./spans.ts";

export interface Resource {
  /** `service.name` and friends. */
  attributes: Attributes;
}

const SCOPE = { name: "plexus" };
const SPAN_KIND = { server: 2, client: 3 } as const;
const STATUS_ERROR = 2;

// ---------------------------------------------------------------------------------------------
// Protobuf wire format (protobuf.dev/programming-guides/encoding)
// ---------------------------------------------------------------------------------------------

const encoder = new TextEncoder();

class Message {
  readonly #parts: number[] = [];

  #varint(value: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.#parts.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.#parts.push(Number(v));
  }

  #tag(field: number, wireType: number): void {
    this.#varint((field << 3) | wireType);
  }

  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, 2);
    this.#varint(value.length);
    for (const b of value) this.#parts.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  message(field: number, value: Message): this {
    return this.bytes(field, value.finish());
  }

  varint(field: number, value: number | bigint): this {
    this.#tag(field, 0);
    this.#varint(value);
    return this;
  }

  /** A 64-bit little-endian field (wire type 1), written by `set` into eight bytes. */
  #eightBytes(field: number, set: (view: DataView) => void): this {
    this.#tag(field, 1);
    const view = new DataView(new ArrayBuffer(8));
    set(view);
    for (const b of new Uint8Array(view.buffer)) this.#parts.push(b);
    return this;
  }

  fixed64(field: number, value: bigint): this {
    return this.#eightBytes(field, (view) => view.setBigUint64(0, value, true));
  }

  double(field: number, value: number): this {
    return this.#eightBytes(field, (view) => view.setFloat64(0, value, true));
  }

  finish(): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(this.#parts);
  }
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function nanos(ms: number): bigint {
  return BigInt(Math.round(ms * 1000)) * 1000n;
}

function anyValueProto(value: AttributeValue): Message {
  const m = new Message();
  if ("string" in value) return m.string(1, value.string);
  if ("bool" in value) return m.varint(2, value.bool ? 1 : 0);
  if ("int" in value) return m.varint(3, BigInt(Math.trunc(value.int)));
  if ("double" in value) return m.double(4, value.double);
  const array = new Message();
  for (const s of value.strings) array.message(1, new Message().string(1, s));
  return m.message(5, array);
}

function attributesProto(m: Message, field: number, attributes: Attributes): void {
  for (const [key, value] of attributes) {
    m.message(field, new Message().string(1, key).message(2, anyValueProto(value)));
  }
}

function spanProto(span: SpanData): Message {
  const m = new Message()
    .bytes(1, hexBytes(span.traceId))
    .bytes(2, hexBytes(span.spanId));
  if (span.parentSpanId !== undefined) m.bytes(4, hexBytes(span.parentSpanId));
  m.string(5, span.name)
    .varint(6, SPAN_KIND[span.kind])
    .fixed64(7, nanos(span.startMs))
    .fixed64(8, nanos(span.endMs));
  attributesProto(m, 9, span.attributes);
  if (span.error !== undefined) {
    m.message(15, new Message().string(2, span.error).varint(3, STATUS_ERROR));
  }
  return m;
}

export function encodeProtobuf(
  resource: Resource,
  spans: readonly SpanData[],
): Uint8Array<ArrayBuffer> {
  const resourceMessage = new Message();
  attributesProto(resourceMessage, 1, resource.attributes);
  const scopeSpans = new Message().message(1, new Message().string(1, SCOPE.name));
  for (const span of spans) scopeSpans.message(2, spanProto(span));
  const resourceSpans = new Message().message(1, resourceMessage).message(2, scopeSpans);
  return new Message().message(1, resourceSpans).finish();
}

// ---------------------------------------------------------------------------------------------
// JSON (opentelemetry.io/docs/specs/otlp, "JSON Protobuf Encoding")
// ---------------------------------------------------------------------------------------------

function anyValueJson(value: AttributeValue): Record<string, unknown> {
  if ("string" in value) return { stringValue: value.string };
  if ("bool" in value) return { boolValue: value.bool };
  if ("int" in value) return { intValue: String(Math.trunc(value.int)) };
  if ("double" in value) return { doubleValue: value.double };
  return { arrayValue: { values: value.strings.map((s) => ({ stringValue: s })) } };
}

function attributesJson(attributes: Attributes) {
  return attributes.map(([key, value]) => ({ key, value: anyValueJson(value) }));
}

function spanJson(span: SpanData): Record<string, unknown> {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
    name: span.name,
    kind: SPAN_KIND[span.kind],
    startTimeUnixNano: String(nanos(span.startMs)),
    endTimeUnixNano: String(nanos(span.endMs)),
    attributes: attributesJson(span.attributes),
    ...(span.error === undefined ? {} : { status: { code: STATUS_ERROR, message: span.error } }),
  };
}

export function encodeJson(resource: Resource, spans: readonly SpanData[]): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: attributesJson(resource.attributes) },
      scopeSpans: [{ scope: SCOPE, spans: spans.map(spanJson) }],
    }],
  });
}
