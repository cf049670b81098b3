/**
 * Where and how traces are exported: the YAML's `telemetry:` section, else the standard
 * OpenTelemetry environment variables (opentelemetry.io/docs/specs/otel/protocol/exporter,
 * "Configuration Options"; .../configuration/sdk-environment-variables). Off unless an endpoint
 * is set by one of them.
 */
import type { TelemetryConfig } from "../config/types.ts";

export type OtlpProtocol = "http/protobuf" | "http/json";

export interface TelemetrySettings {
  /** The full traces URL (`.../v1/traces`). */
  url: string;
  headers: Record<string, string>;
  protocol: OtlpProtocol;
  sampleRatio: number;
  serviceName: string;
  /** Extra resource attributes from `OTEL_RESOURCE_ATTRIBUTES`. */
  resource: Record<string, string>;
  maxQueueSpans: number;
  exportTimeoutMs: number;
}

type Env = (name: string) => string | undefined;

/** A base endpoint gets the signal path appended; one that already names it is kept. */
export function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, "");
  return trimmed.endsWith("/v1/traces") ? trimmed : `${trimmed}/v1/traces`;
}

/** `key1=value1,key2=value2`, each part percent-decoded (the spec's W3C Baggage format). */
export function parseKeyValueList(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (text === undefined) return out;
  for (const pair of text.split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    try {
      out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(
        pair.slice(eq + 1).trim(),
      );
    } catch {
      // A malformed pair is skipped, as the SDKs do.
    }
  }
  return out;
}

function envEndpoint(env: Env): string | undefined {
  const traces = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  if (traces) return traces;
  const base = env("OTEL_EXPORTER_OTLP_ENDPOINT");
  return base ? tracesUrl(base) : undefined;
}

function envSampleRatio(env: Env): number | undefined {
  const sampler = env("OTEL_TRACES_SAMPLER");
  if (sampler === "always_off" || sampler === "parentbased_always_off") return 0;
  if (sampler !== "traceidratio" && sampler !== "parentbased_traceidratio") return undefined;
  const ratio = Number(env("OTEL_TRACES_SAMPLER_ARG") ?? "1");
  return Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : undefined;
}

function protocolOf(text: string | undefined): OtlpProtocol {
  return text === "http/json" ? "http/json" : "http/protobuf";
}

export function telemetrySettings(
  config: TelemetryConfig | undefined,
  env: Env = (name) => Deno.env.get(name),
): TelemetrySettings | undefined {
  if (config?.enabled === false) return undefined;
  if (config?.otlpEndpoint === undefined) {
    if (env("OTEL_SDK_DISABLED") === "true" || env("OTEL_TRACES_EXPORTER") === "none") {
      return undefined;
    }
  }
  const endpoint = config?.otlpEndpoint !== undefined
    ? tracesUrl(config.otlpEndpoint)
    : envEndpoint(env);
  if (endpoint === undefined) return undefined;
  return {
    url: endpoint,
    headers: config?.headers ?? {
      ...parseKeyValueList(env("OTEL_EXPORTER_OTLP_HEADERS")),
      ...parseKeyValueList(env("OTEL_EXPORTER_OTLP_TRACES_HEADERS")),
    },
    protocol: config?.protocol ??
      protocolOf(env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? env("OTEL_EXPORTER_OTLP_PROTOCOL")),
    sampleRatio: config?.sampleRatio ?? envSampleRatio(env) ?? 1,
    serviceName: config?.serviceName ?? env("OTEL_SERVICE_NAME") ?? "plexus",
    resource: parseKeyValueList(env("OTEL_RESOURCE_ATTRIBUTES")),
    maxQueueSpans: config?.maxQueueSpans ?? 2048,
    exportTimeoutMs: config?.exportTimeoutMs ?? 10_000,
  };
}
