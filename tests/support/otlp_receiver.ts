/**
 * A real OTLP/HTTP trace receiver for tests: it accepts `POST /v1/traces` in both encodings the
 * protocol defines and decodes protobuf with protobufjs against the message definitions of
 * opentelemetry-proto (`collector/trace/v1`, `trace/v1`, `common/v1`, `resource/v1`; field
 * numbers as published there), independently of Plexus's own encoder.
 */
import protobuf from "protobufjs";

const OTLP_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  fixed32 flags = 16; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
`;

const REQUEST = protobuf.parse(OTLP_PROTO, { keepCase: true }).root.lookupType(
  "otlp.ExportTraceServiceRequest",
);

export type Attr = string | number | boolean | Attr[];

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 2 server, 3 client. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, Attr>;
  status?: { code: number; message: string };
  resource: Record<string, Attr>;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the requests received, in order. */
  contentTypes: string[];
  headers: Headers[];
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function hex(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined || bytes.length === 0) return undefined;
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function anyValue(v: Json): Attr {
  const pick = (a: string, b: string) => v[a] ?? v[b];
  const array = pick("array_value", "arrayValue") as { values?: Json[] } | undefined;
  if (array !== undefined) return (array.values ?? []).map(anyValue);
  const int = pick("int_value", "intValue");
  if (int !== undefined && int !== null) return Number(String(int));
  const double = pick("double_value", "doubleValue");
  if (double !== undefined) return Number(double);
  const bool = pick("bool_value", "boolValue");
  if (bool !== undefined) return Boolean(bool);
  return String(pick("string_value", "stringValue") ?? "");
}

function attributes(list: unknown): Record<string, Attr> {
  const out: Record<string, Attr> = {};
  for (const kv of (list ?? []) as Json[]) out[String(kv.key)] = anyValue(kv.value as Json);
  return out;
}

/** Flattens a decoded request (protobuf with snake_case, or JSON with camelCase). */
function flatten(request: Json, json: boolean): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  const k = (snake: string, camel: string) => json ? camel : snake;
  for (const rs of (request[k("resource_spans", "resourceSpans")] ?? []) as Json[]) {
    const resource = attributes((rs.resource as Json | undefined)?.attributes);
    for (const ss of (rs[k("scope_spans", "scopeSpans")] ?? []) as Json[]) {
      for (const s of (ss.spans ?? []) as Json[]) {
        const id = (name: string, camel: string) =>
          json ? (s[camel] as string | undefined) || undefined : hex(s[name] as Uint8Array);
        const status = s.status as Json | undefined;
        out.push({
          traceId: id("trace_id", "traceId")!,
          spanId: id("span_id", "spanId")!,
          parentSpanId: id("parent_span_id", "parentSpanId"),
          name: String(s.name),
          kind: Number(s.kind),
          startNs: BigInt(String(s[k("start_time_unix_nano", "startTimeUnixNano")])),
          endNs: BigInt(String(s[k("end_time_unix_nano", "endTimeUnixNano")])),
          attributes: attributes(s.attributes),
          status: status === undefined
            ? undefined
            : { code: Number(status.code ?? 0), message: String(status.message ?? "") },
          resource,
        });
      }
    }
  }
  return out;
}

function decode(body: Uint8Array, contentType: string): ReceivedSpan[] {
  if (contentType.startsWith("application/json")) {
    return flatten(JSON.parse(new TextDecoder().decode(body)), true);
  }
  const message = REQUEST.decode(body);
  const object = REQUEST.toObject(message, { longs: String, bytes: Uint8Array }) as Json;
  // protobufjs renders bytes as Uint8Array with the option above.
  return flatten(object, false);
}

/** `status`: what the receiver answers (a failing collector in tests). */
export function startOtlpReceiver(status = 200): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const headers: Headers[] = [];
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({
          url: `http://127.0.0.1:${port}`,
          spans,
          contentTypes,
          headers,
          async waitForSpans(count, timeoutMs = 5000) {
            const deadline = Date.now() + timeoutMs;
            while (spans.length < count) {
              if (Date.now() > deadline) {
                throw new Error(`expected ${count} spans, got ${spans.length}`);
              }
              await new Promise((r) => setTimeout(r, 10));
            }
            return spans;
          },
          close: () => server.shutdown(),
        }),
    }, async (request) => {
      const body = new Uint8Array(await request.arrayBuffer());
      if (new URL(request.url).pathname !== "/v1/traces") {
        return new Response(null, { status: 404 });
      }
      const type = request.headers.get("content-type") ?? "";
      contentTypes.push(type);
      headers.push(request.headers);
      if (status === 200) spans.push(...decode(body, type));
      return new Response(status === 200 ? "{}" : "unavailable", { status });
    });
  });
}
