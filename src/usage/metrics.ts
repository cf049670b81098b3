/**
 * The gateway's Prometheus metrics, fed by the same records as the usage log, so the counters
 * and the log always agree. Gauges that describe the present (in flight, cooling, rolling
 * statistics) are read at scrape time.
 */
import { kindForStatus, uncachedInputTokens } from "../codecs/unified.ts";
import type { Config } from "../config/types.ts";
import { costOf, pricingOf } from "./cost.ts";
import { upstreamTotalMs } from "./log_line.ts";
import { Counter, Gauge, Histogram } from "./prometheus.ts";
import { countedUsage, type RequestRecord, type UsageSink } from "./record.ts";
import type { TargetStatsSnapshot } from "./stats.ts";

/** Seconds; LLM calls run from tens of milliseconds to minutes. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Seconds; Plexus's own share should stay in the low milliseconds. */
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** What the metrics read at scrape time from the rest of the server. */
export interface LiveState {
  /** Every configured target with whether it is cooling down now. */
  cooling?(): Array<{ provider: string; model: string; cooling: boolean }>;
  /** Rolling statistics per target. */
  targetStats?(): TargetStatsSnapshot[];
  /** More exposition text appended at scrape time (process metrics, trace export counters). */
  extra?(): string;
}

/** Status class as it appears in labels: the exact status keeps dashboards precise. */
function statusLabel(status: number): string {
  return String(status);
}

export class GatewayMetrics implements UsageSink {
  readonly #config: Pick<Config, "providers">;
  #inFlight = 0;
  readonly requests = new Counter(
    "plexus_requests_total",
    "Requests that reached routing, by alias, final target and the status the client got.",
  );
  readonly tokens = new Counter(
    "plexus_tokens_total",
    "Tokens reported by providers, by type (input excludes cache reads and writes).",
  );
  readonly cost = new Counter(
    "plexus_cost_usd_total",
    "Cost in USD of priced requests, from the configured pricing.",
  );
  readonly unpriced = new Counter(
    "plexus_unpriced_requests_total",
    "Requests with usage whose cost is unknown (model not priced).",
  );
  readonly duration = new Histogram(
    "plexus_request_duration_seconds",
    "Time from arrival to the last byte, by final target.",
    LATENCY_BUCKETS,
  );
  readonly ttft = new Histogram(
    "plexus_ttft_seconds",
    "Time from arrival to the first content token sent to the client (streams).",
    LATENCY_BUCKETS,
  );
  readonly overhead = new Histogram(
    "plexus_overhead_seconds",
    "Time Plexus spent itself: total time minus the time spent waiting on upstreams.",
    OVERHEAD_BUCKETS,
  );
  readonly upstreamErrors = new Counter(
    "plexus_upstream_errors_total",
    "Failed upstream attempts, by target and error kind.",
  );

  /**
   * Per client key. Bounded: a key label is a key name from the config or the admin API (never
   * what a client sent), or "" when no key was identified.
   */
  readonly keyRequests = new Counter(
    "plexus_key_requests_total",
    "Generation requests by client key and the status the client got.",
  );
  readonly keyTokens = new Counter(
    "plexus_key_tokens_total",
    "Tokens by client key and type (input excludes cache reads and writes).",
  );
  readonly keyCost = new Counter("plexus_key_cost_usd_total", "Cost in USD by client key.");
  readonly refusals = new Counter(
    "plexus_refusals_total",
    "Requests Plexus refused itself, by client key and reason (scope or the limit hit).",
  );

  constructor(config: Pick<Config, "providers">, readonly live: LiveState = {}) {
    this.#config = config;
  }

  /** A generation request arrived; its record will end it. */
  started(): void {
    this.#inFlight++;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  record(record: RequestRecord): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    const target = { provider: record.provider ?? "", model: record.model ?? "" };
    this.requests.inc({
      alias: record.alias ?? "",
      ...target,
      status: statusLabel(record.status),
    });
    this.duration.observe(target, record.durationMs / 1000);
    if (record.ttftMs !== undefined) this.ttft.observe(target, record.ttftMs / 1000);
    this.overhead.observe({}, Math.max(0, record.durationMs - upstreamTotalMs(record)) / 1000);
    if (record.refused !== undefined) {
      this.refusals.inc({ key: record.key ?? "", reason: record.refused });
    }
    for (const attempt of record.attempts) {
      if (attempt.status >= 200 && attempt.status < 300) continue;
      if (attempt.status === 499) continue;
      this.upstreamErrors.inc({
        provider: attempt.provider,
        model: attempt.model,
        kind: kindForStatus(attempt.status),
      });
    }
    const key = { key: record.key ?? "" };
    this.keyRequests.inc({ ...key, status: statusLabel(record.status) });
    const usage = countedUsage(record);
    if (usage === undefined) return;
    const counts: Record<string, number> = {
      input: uncachedInputTokens(usage),
      output: usage.outputTokens,
      cache_read: usage.cacheReadTokens,
      cache_write: usage.cacheWriteTokens,
      reasoning: usage.reasoningTokens,
    };
    const byAlias = { alias: record.alias ?? "", ...target };
    for (const [type, n] of Object.entries(counts)) {
      this.tokens.inc({ ...byAlias, type }, n);
      this.keyTokens.inc({ ...key, type }, n);
    }
    const cost = costOf(usage, pricingOf(this.#config.providers, record.provider, record.model));
    if (cost.total === null) this.unpriced.inc(target);
    else {
      this.cost.inc(byAlias, cost.total);
      this.keyCost.inc(key, cost.total);
    }
  }

  /** The whole exposition, ending with a newline. */
  render(): string {
    const inFlight = new Gauge("plexus_in_flight_requests", "Generation requests not finished.");
    inFlight.set({}, this.#inFlight);
    const parts = [
      this.requests.render(),
      this.tokens.render(),
      this.cost.render(),
      this.unpriced.render(),
      this.duration.render(),
      this.ttft.render(),
      this.overhead.render(),
      this.upstreamErrors.render(),
      this.refusals.render(),
      inFlight.render(),
      this.keyRequests.render(),
      this.keyTokens.render(),
      this.keyCost.render(),
    ];
    const cooling = this.live.cooling?.();
    if (cooling !== undefined) {
      const gauge = new Gauge(
        "plexus_target_cooling",
        "1 while a target is cooling down after failures (skipped by routing), else 0.",
      );
      for (const t of cooling) {
        gauge.set({ provider: t.provider, model: t.model }, t.cooling ? 1 : 0);
      }
      parts.push(gauge.render());
    }
    const stats = this.live.targetStats?.();
    if (stats !== undefined) parts.push(...statsGauges(stats));
    const extra = this.live.extra?.();
    if (extra !== undefined) parts.push(extra);
    return parts.join("");
  }
}

function statsGauges(stats: TargetStatsSnapshot[]): string[] {
  const latency = new Gauge(
    "plexus_target_latency_seconds",
    "Rolling average latency per target (what lowest_latency ranks by).",
  );
  const ttft = new Gauge("plexus_target_ttft_seconds", "Rolling average time to first token.");
  const errors = new Gauge("plexus_target_error_rate", "Rolling share of failed attempts (0-1).");
  const speed = new Gauge(
    "plexus_target_output_tokens_per_second",
    "Rolling average generation speed.",
  );
  for (const s of stats) {
    const labels = { provider: s.provider, model: s.model };
    if (s.latencyMs !== undefined) latency.set(labels, s.latencyMs / 1000);
    if (s.ttftMs !== undefined) ttft.set(labels, s.ttftMs / 1000);
    if (s.errorRate !== undefined) errors.set(labels, s.errorRate);
    if (s.tokensPerSecond !== undefined) speed.set(labels, s.tokensPerSecond);
  }
  return [latency.render(), ttft.render(), errors.render(), speed.render()];
}
