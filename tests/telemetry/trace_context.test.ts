import assert from "node:assert/strict";
import {
  formatTraceparent,
  newSpanId,
  newTraceId,
  parseTraceparent,
  sampledFor,
} from "../../src/telemetry/trace_context.ts";
import { parseKeyValueList, telemetrySettings, tracesUrl } from "../../src/telemetry/settings.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

Deno.test("a valid traceparent is parsed with its sampled flag and formatted back unchanged", () => {
  const parsed = parseTraceparent(`00-${TRACE}-${SPAN}-01`);
  assert.deepEqual(parsed, { traceId: TRACE, spanId: SPAN, sampled: true });
  assert.equal(formatTraceparent(parsed!), `00-${TRACE}-${SPAN}-01`);
  assert.equal(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.sampled, false);
  // A later version may append fields; version 00 may not.
  assert.equal(parseTraceparent(`01-${TRACE}-${SPAN}-01-extra`)?.traceId, TRACE);
});

Deno.test("malformed traceparent values start a new trace (W3C Trace Context, 'traceparent Header')", () => {
  for (
    const bad of [
      null,
      "",
      `00-${TRACE}-${SPAN}`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${"0".repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${"0".repeat(16)}-01`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-01-extra`,
      "x".repeat(10_000),
    ]
  ) {
    assert.equal(parseTraceparent(bad), undefined, String(bad).slice(0, 60));
  }
});

Deno.test("new ids are lowercase hex of the right length and differ", () => {
  const ids = new Set(Array.from({ length: 100 }, newSpanId));
  assert.equal(ids.size, 100);
  for (const id of ids) assert.match(id, /^[0-9a-f]{16}$/);
  assert.match(newTraceId(), /^[0-9a-f]{32}$/);
});

Deno.test("sampling follows the parent, else the trace id against the ratio", () => {
  assert.equal(sampledFor({ traceId: TRACE, spanId: SPAN, sampled: false }, TRACE, 1), false);
  assert.equal(sampledFor({ traceId: TRACE, spanId: SPAN, sampled: true }, TRACE, 0), true);
  const ids = Array.from({ length: 2000 }, newTraceId);
  const share = ids.filter((id) => sampledFor(undefined, id, 0.25)).length / ids.length;
  assert.ok(share > 0.18 && share < 0.32, `sampled share ${share}`);
});

Deno.test("OTEL_* variables configure export when the YAML does not; the YAML wins", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(telemetrySettings(undefined, env({})), undefined);
  const fromEnv = telemetrySettings(
    undefined,
    env({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
      OTEL_EXPORTER_OTLP_HEADERS: "api-key=a%20b,x=1",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.5",
      OTEL_SERVICE_NAME: "gw",
    }),
  )!;
  assert.equal(fromEnv.url, "http://collector:4318/v1/traces");
  assert.deepEqual({ ...fromEnv.headers }, { "api-key": "a b", x: "1" });
  assert.equal(fromEnv.protocol, "http/json");
  assert.equal(fromEnv.sampleRatio, 0.5);
  assert.equal(fromEnv.serviceName, "gw");
  const yaml = telemetrySettings(
    { otlpEndpoint: "http://yaml:4318/v1/traces", sampleRatio: 0.1 },
    env({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://env:4318" }),
  )!;
  assert.equal(yaml.url, "http://yaml:4318/v1/traces");
  assert.equal(yaml.protocol, "http/protobuf");
  assert.equal(yaml.sampleRatio, 0.1);
  assert.equal(
    telemetrySettings({ enabled: false }, env({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://e" })),
    undefined,
  );
  assert.equal(
    telemetrySettings(
      undefined,
      env({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://e", OTEL_SDK_DISABLED: "true" }),
    ),
    undefined,
  );
  assert.equal(tracesUrl("http://c:4318/v1/traces/"), "http://c:4318/v1/traces");
  assert.deepEqual({ ...parseKeyValueList("bad,k=%E0%A4%A,ok=1") }, { ok: "1" });
});
