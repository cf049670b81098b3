/**
 * `limits:` in plexus.yaml: what one client connection, one request and one provider answer may
 * cost. Every wait has a deadline and every buffer a cap, so a hostile or broken peer costs a
 * bounded amount of memory, CPU and time (docs/security.md).
 */
import { z } from "zod";

const positiveInt = z.number().int().positive();

export const limitsSchema = z.strictObject({
  max_connections: positiveInt.optional(),
  headers_ms: positiveInt.optional(),
  keep_alive_ms: positiveInt.optional(),
  body_ms: positiveInt.optional(),
  max_json_depth: positiveInt.optional(),
  max_messages: positiveInt.optional(),
  max_parts: positiveInt.optional(),
  max_tools: positiveInt.optional(),
  upstream_frame_bytes: positiveInt.optional(),
  upstream_body_bytes: positiveInt.optional(),
  upstream_error_bytes: positiveInt.optional(),
});

export type LimitsFile = z.infer<typeof limitsSchema>;

export interface Limits {
  /** Client connections open at once; more are answered 503 and closed. */
  maxConnections: number;
  /** A new connection's first request head must arrive within this. */
  headersMs: number;
  /** A connection with no request in flight is closed after this (the next head included). */
  keepAliveMs: number;
  /** A request body must arrive whole within this, from its head. */
  bodyMs: number;
  /** Nesting of arrays and objects in a request body. */
  maxJsonDepth: number;
  /** Messages (turns, input items, contents) in one request. */
  maxMessages: number;
  /** Content parts over all messages of one request. */
  maxParts: number;
  /** Tools (function declarations) in one request. */
  maxTools: number;
  /** One server-sent event from a provider. */
  upstreamFrameBytes: number;
  /** A provider's whole (non-streamed) answer. */
  upstreamBodyBytes: number;
  /** How much of a provider's error body is read. */
  upstreamErrorBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxConnections: 1024,
  headersMs: 10_000,
  keepAliveMs: 60_000,
  bodyMs: 60_000,
  maxJsonDepth: 64,
  maxMessages: 10_000,
  maxParts: 50_000,
  maxTools: 1_000,
  upstreamFrameBytes: 32 * 1024 * 1024,
  upstreamBodyBytes: 64 * 1024 * 1024,
  upstreamErrorBytes: 64 * 1024,
};

export function buildLimits(file: LimitsFile = {}): Limits {
  const d = DEFAULT_LIMITS;
  return {
    maxConnections: file.max_connections ?? d.maxConnections,
    headersMs: file.headers_ms ?? d.headersMs,
    keepAliveMs: file.keep_alive_ms ?? d.keepAliveMs,
    bodyMs: file.body_ms ?? d.bodyMs,
    maxJsonDepth: file.max_json_depth ?? d.maxJsonDepth,
    maxMessages: file.max_messages ?? d.maxMessages,
    maxParts: file.max_parts ?? d.maxParts,
    maxTools: file.max_tools ?? d.maxTools,
    upstreamFrameBytes: file.upstream_frame_bytes ?? d.upstreamFrameBytes,
    upstreamBodyBytes: file.upstream_body_bytes ?? d.upstreamBodyBytes,
    upstreamErrorBytes: file.upstream_error_bytes ?? d.upstreamErrorBytes,
  };
}
