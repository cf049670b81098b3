/** Trace export for one server: settings resolved once, an exporter, and a trace per request. */
import type { TelemetryConfig } from "../config/types.ts";
import { SpanExporter } from "./exporter.ts";
import { RequestTrace } from "./request_trace.ts";
import { telemetrySettings } from "./settings.ts";

export interface Telemetry {
  exporter: SpanExporter;
  /** The trace of a request that just arrived (a child of its `traceparent`, if any). */
  traceFor(headers: Headers): RequestTrace;
}

/** Undefined when no endpoint is configured: then no request is traced and nothing is sent. */
export function startTelemetry(
  config: TelemetryConfig | undefined,
  version: string,
  env?: (name: string) => string | undefined,
  send?: typeof fetch,
): Telemetry | undefined {
  const settings = telemetrySettings(config, env);
  if (settings === undefined) return undefined;
  const exporter = new SpanExporter(settings, version, send);
  return {
    exporter,
    traceFor: (headers) => RequestTrace.fromHeaders(headers, settings.sampleRatio),
  };
}
