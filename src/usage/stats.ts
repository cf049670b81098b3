/**
 * Rolling statistics per target, kept in memory and fed by finished requests: exponentially
 * weighted averages, so recent behaviour counts most and nothing grows with traffic. They answer
 * the `lowest_latency` and `lowest_cost` selectors and feed the per-target gauges of /metrics.
 */
import type { Config } from "../config/types.ts";
import type { SelectionStats } from "../routing/selectors.ts";
import { pricingOf } from "./cost.ts";
import { countedUsage, type RequestRecord, type UsageSink } from "./record.ts";

/** Weight of the newest sample: about the last ten requests dominate. */
const ALPHA = 0.2;

/** Assumed sizes before a target has answered anything (a short chat turn). */
const DEFAULT_INPUT_TOKENS = 1000;
const DEFAULT_OUTPUT_TOKENS = 300;

export interface TargetStatsSnapshot {
  provider: string;
  model: string;
  /** Time to first token for streams, time to the whole answer otherwise; successes only. */
  latencyMs?: number;
  ttftMs?: number;
  /** Share of failed attempts, 0 to 1. */
  errorRate?: number;
  tokensPerSecond?: number;
  inputTokens?: number;
  outputTokens?: number;
  samples: number;
}

class Ewma {
  value: number | undefined;
  add(sample: number): void {
    this.value = this.value === undefined ? sample : this.value + ALPHA * (sample - this.value);
  }
}

class TargetStats {
  readonly latency = new Ewma();
  readonly ttft = new Ewma();
  readonly errors = new Ewma();
  readonly speed = new Ewma();
  readonly input = new Ewma();
  readonly output = new Ewma();
  samples = 0;
}

function targetKey(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}

export class RollingStats implements SelectionStats, UsageSink {
  readonly #targets = new Map<string, { provider: string; model: string; stats: TargetStats }>();
  readonly #config: Pick<Config, "providers">;

  constructor(config: Pick<Config, "providers">) {
    this.#config = config;
  }

  #of(provider: string, model: string): TargetStats {
    const key = targetKey(provider, model);
    let entry = this.#targets.get(key);
    if (entry === undefined) {
      entry = { provider, model, stats: new TargetStats() };
      this.#targets.set(key, entry);
    }
    return entry.stats;
  }

  record(record: RequestRecord): void {
    const last = record.attempts.length - 1;
    record.attempts.forEach((attempt, index) => {
      // A client that left says nothing about the target.
      if (attempt.status === 499 || record.status === 499 && index === last) return;
      const stats = this.#of(attempt.provider, attempt.model);
      stats.samples++;
      const ok = attempt.status >= 200 && attempt.status < 300;
      stats.errors.add(ok ? 0 : 1);
      if (!ok) return;
      const streamedTtft = record.stream ? record.ttftMs : undefined;
      stats.latency.add(streamedTtft ?? attempt.ms);
      if (streamedTtft !== undefined) stats.ttft.add(streamedTtft);
      const usage = countedUsage(record);
      if (usage === undefined || index !== last) return;
      stats.input.add(usage.inputTokens);
      stats.output.add(usage.outputTokens);
      const generationMs = streamedTtft !== undefined
        ? record.durationMs - streamedTtft
        : attempt.ms;
      if (usage.outputTokens > 0 && generationMs > 0) {
        stats.speed.add(usage.outputTokens / (generationMs / 1000));
      }
    });
  }

  latencyMs(provider: string, model: string): number | undefined {
    return this.#targets.get(targetKey(provider, model))?.stats.latency.value;
  }

  /** Attempts counted for a target (the weight of its averages). */
  samples(provider: string, model: string): number {
    return this.#targets.get(targetKey(provider, model))?.stats.samples ?? 0;
  }

  /**
   * Input and output prices applied to the request's estimated input (or this target's usual
   * input) and this target's usual output; undefined when either price is missing.
   */
  estimatedCost(provider: string, model: string, inputTokens?: number): number | undefined {
    const pricing = pricingOf(this.#config.providers, provider, model);
    if (pricing?.input === undefined || pricing.output === undefined) return undefined;
    const stats = this.#targets.get(targetKey(provider, model))?.stats;
    const input = inputTokens ?? stats?.input.value ?? DEFAULT_INPUT_TOKENS;
    const output = stats?.output.value ?? DEFAULT_OUTPUT_TOKENS;
    return (input * pricing.input + output * pricing.output) / 1_000_000;
  }

  snapshot(): TargetStatsSnapshot[] {
    return [...this.#targets.values()].map(({ provider, model, stats }) => ({
      provider,
      model,
      latencyMs: stats.latency.value,
      ttftMs: stats.ttft.value,
      errorRate: stats.errors.value,
      tokensPerSecond: stats.speed.value,
      inputTokens: stats.input.value,
      outputTokens: stats.output.value,
      samples: stats.samples,
    }));
  }
}
