/**
 * Everything the server records about requests, built once per server: the usage log, the
 * opt-in body log, Prometheus metrics and the rolling statistics the selectors read.
 */
import type { Config } from "../config/types.ts";
import { constantTimeEqual, presentedSecret } from "../auth/client_keys.ts";
import type { TargetHealth } from "../routing/health.ts";
import { BodiesLog } from "./bodies_log.ts";
import { GatewayMetrics } from "./metrics.ts";
import { DISCARD_USAGE, type UsageSink } from "./record.ts";
import { RollingStats } from "./stats.ts";
import { fanOut, UsageLog } from "./usage_log.ts";
import { renderProcessMetrics } from "./process_metrics.ts";

export interface ObservabilityOptions {
  /** Replaces the usage log file (tests collect records instead). */
  usage?: UsageSink;
  /** In usage log file names when instances share a data_dir (the Redis store). */
  instance?: string;
  /** Read at scrape time for the cooling gauge. */
  health?: () => TargetHealth;
  /** More places finished records go (trace export). */
  sinks?: UsageSink[];
  /** More exposition text at scrape time (trace export counters). */
  extraMetrics?: () => string;
  /** For `plexus_build_info`. */
  version?: string;
}

/** Prometheus text format, version 0.0.4. */
const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export class Observability {
  readonly metrics: GatewayMetrics;
  readonly stats: RollingStats;
  /** Where dispatch sends each finished request. */
  readonly sink: UsageSink;
  readonly #usageLog: UsageLog | undefined;
  readonly #bodies: BodiesLog | undefined;
  readonly #config: Config;

  constructor(config: Config, options: ObservabilityOptions = {}) {
    this.#config = config;
    this.stats = new RollingStats(config);
    const health = options.health;
    this.metrics = new GatewayMetrics(config, {
      cooling: health === undefined
        ? undefined
        : () => coolingTargets(config, health(), Date.now()),
      targetStats: () => this.stats.snapshot(),
      extra: () =>
        renderProcessMetrics(options.version ?? "unknown") + (options.extraMetrics?.() ?? ""),
    });
    const usageLog = options.usage === undefined
      ? new UsageLog(config, { instance: options.instance })
      : undefined;
    this.#usageLog = usageLog;
    this.#bodies = config.logging.bodies ? new BodiesLog(config) : undefined;
    this.sink = fanOut([
      options.usage ?? usageLog ?? DISCARD_USAGE,
      this.metrics,
      this.stats,
      ...options.sinks ?? [],
    ]);
  }

  /** Runs one generation request: counts it in flight and copies bodies when asked to. */
  track(
    request: Request,
    meta: { requestId: string; startedAt: number },
    handle: (noteBody?: (body: unknown) => void) => Promise<Response>,
  ): Promise<Response> {
    this.metrics.started();
    return this.#bodies === undefined ? handle() : this.#bodies.observe(request, meta, handle);
  }

  /** `GET /metrics`: admin key required unless `metrics.public` is set. */
  metricsResponse(request: Request): Response {
    if (!this.#config.metrics.public && !this.#isAdmin(request)) {
      const message = this.#config.adminKey === undefined
        ? "Metrics need the admin key, and none is configured: set admin_key or metrics.public."
        : "Metrics need the admin key: send it as 'Authorization: Bearer <admin key>'.";
      return new Response(JSON.stringify({ error: { message, type: "authentication_error" } }), {
        status: 401,
        headers: { "content-type": "application/json" },
      });
    }
    return new Response(this.metrics.render(), {
      headers: { "content-type": METRICS_CONTENT_TYPE },
    });
  }

  #isAdmin(request: Request): boolean {
    const adminKey = this.#config.adminKey;
    // Headers only: a key in the URL ends up in proxies' and browsers' histories.
    const presented = presentedSecret(request.headers);
    if (adminKey === undefined || presented === undefined) return false;
    const encoder = new TextEncoder();
    return constantTimeEqual(encoder.encode(presented), encoder.encode(adminKey));
  }

  /** Writes what is buffered; call on shutdown after in-flight requests finished. */
  async close(): Promise<void> {
    await Promise.all([this.#usageLog?.close(), this.#bodies?.close()]);
  }
}

/** Every configured target and whether routing would skip it now. */
function coolingTargets(
  config: Config,
  health: TargetHealth,
  now: number,
): Array<{ provider: string; model: string; cooling: boolean }> {
  const out = [];
  for (const provider of Object.values(config.providers)) {
    for (const model of Object.keys(provider.models)) {
      out.push({
        provider: provider.name,
        model,
        cooling: health.coolingUntil(provider.name, model, now) > now,
      });
    }
  }
  return out;
}
