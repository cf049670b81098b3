/**
 * The rolling latency statistics the `lowest_latency` selector ranks by, shared through Redis:
 * every few seconds each instance writes its own per-target averages to one Redis hash (a field
 * per instance) and reads the others', so an instance that has not yet sent traffic to a target
 * ranks it by what the others measured. Routing itself never waits on Redis: it reads the last
 * copy in memory.
 */
import type { SelectionStats } from "../routing/selectors.ts";
import type { RedisConnection } from "../state/redis_connection.ts";
import type { RollingStats, TargetStatsSnapshot } from "./stats.ts";

/** Another instance's figures are ignored once older than this (it stopped or lost Redis). */
const STALE_MS = 30_000;

interface Published {
  at: number;
  targets: Array<{ provider: string; model: string; latencyMs: number; samples: number }>;
}

function targetKey(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}

export class SharedStats implements SelectionStats {
  readonly #local: RollingStats;
  readonly #redis: RedisConnection;
  readonly #instance: string;
  readonly #hash: string;
  #remote = new Map<string, { latencyMs: number; samples: number }>();
  readonly #timer: number;

  constructor(local: RollingStats, redis: RedisConnection, instance: string, intervalMs = 5000) {
    this.#local = local;
    this.#redis = redis;
    this.#instance = instance;
    this.#hash = `${redis.prefix}stats`;
    // Deno's timers are numbers; node typings in the graph say otherwise.
    this.#timer = setInterval(() => void this.exchange(), intervalMs) as unknown as number;
    Deno.unrefTimer(this.#timer);
  }

  /** Publishes this instance's averages and reads everyone else's (one round trip each). */
  async exchange(now = Date.now()): Promise<void> {
    const published: Published = {
      at: now,
      targets: this.#local.snapshot().flatMap((s: TargetStatsSnapshot) =>
        s.latencyMs === undefined
          ? []
          : [{ provider: s.provider, model: s.model, latencyMs: s.latencyMs, samples: s.samples }]
      ),
    };
    await this.#redis.run((redis) =>
      redis.hSet(this.#hash, this.#instance, JSON.stringify(published))
    );
    const all = await this.#redis.run((redis) => redis.hGetAll(this.#hash));
    if (all === undefined) return;
    const merged = new Map<string, { latencyMs: number; samples: number }>();
    for (const [instance, text] of Object.entries(all)) {
      if (instance === this.#instance) continue;
      let other: Published;
      try {
        other = JSON.parse(text);
      } catch {
        continue;
      }
      if (typeof other.at !== "number" || now - other.at > STALE_MS) continue;
      for (const t of Array.isArray(other.targets) ? other.targets : []) {
        if (typeof t.latencyMs !== "number" || typeof t.samples !== "number") continue;
        const key = targetKey(String(t.provider), String(t.model));
        const seen = merged.get(key);
        merged.set(key, weighted(seen, t));
      }
    }
    this.#remote = merged;
  }

  latencyMs(provider: string, model: string): number | undefined {
    const local = this.#local.latencyMs(provider, model);
    const remote = this.#remote.get(targetKey(provider, model));
    if (remote === undefined) return local;
    if (local === undefined) return remote.latencyMs;
    const samples = this.#local.samples(provider, model);
    return weighted({ latencyMs: local, samples }, remote).latencyMs;
  }

  /** Prices and this instance's token averages: cost ranking needs no shared figures. */
  estimatedCost(provider: string, model: string, inputTokens?: number): number | undefined {
    return this.#local.estimatedCost(provider, model, inputTokens);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}

function weighted(
  a: { latencyMs: number; samples: number } | undefined,
  b: { latencyMs: number; samples: number },
): { latencyMs: number; samples: number } {
  if (a === undefined) return b;
  const samples = Math.max(1, a.samples) + Math.max(1, b.samples);
  return {
    latencyMs: (a.latencyMs * Math.max(1, a.samples) + b.latencyMs * Math.max(1, b.samples)) /
      samples,
    samples,
  };
}
