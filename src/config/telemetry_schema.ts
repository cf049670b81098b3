/**
 * `telemetry:` in plexus.yaml: OpenTelemetry trace export over OTLP/HTTP (docs/observability.md,
 * "Traces"). Every field is optional; the standard `OTEL_*` variables fill what is not set.
 */
import { z } from "zod";
import type { TelemetryConfig } from "./types.ts";

export const telemetrySchema = z.strictObject({
  /** `false` turns export off even when the `OTEL_*` variables name an endpoint. */
  enabled: z.boolean().optional(),
  /** The collector's base URL (`/v1/traces` is appended) or the full traces URL. */
  otlp_endpoint: z.url({ protocol: /^https?$/ }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  protocol: z.enum(["http/protobuf", "http/json"]).optional(),
  sample_ratio: z.number().min(0).max(1).optional(),
  service_name: z.string().min(1).optional(),
  max_queue_spans: z.number().int().positive().max(1_000_000).optional(),
  export_timeout_ms: z.number().int().positive().optional(),
});

export function buildTelemetry(
  file: z.infer<typeof telemetrySchema> | undefined,
): TelemetryConfig | undefined {
  if (file === undefined) return undefined;
  return {
    enabled: file.enabled,
    otlpEndpoint: file.otlp_endpoint,
    headers: file.headers,
    protocol: file.protocol,
    sampleRatio: file.sample_ratio,
    serviceName: file.service_name,
    maxQueueSpans: file.max_queue_spans,
    exportTimeoutMs: file.export_timeout_ms,
  };
}
