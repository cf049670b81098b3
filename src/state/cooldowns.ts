/**
 * Which targets (provider + model) and whole providers are cooling down after failures, until
 * when and why. Routing skips what is cooling; dispatch reports every outcome here.
 *
 * Rules (docs/resilience.md, "Cooldowns"): only failures that allow fallback cool (a client's
 * malformed request never does); a `retry-after` style wait from the upstream wins; otherwise
 * the wait is `base * 2^(n-1)` for the n-th consecutive failure, capped at `max`; a success
 * forgets the target's failures and its provider's.
 */
import type { CooldownConfig } from "../config/types.ts";
import type { TargetHealth } from "../routing/health.ts";
import type { AttemptFailure } from "../upstream/failure.ts";

/** One cooling target or provider, as remembered and persisted. */
export interface CooldownEntry {
  /** Epoch ms when the cooldown ends. */
  until: number;
  /** Safe to show: the failure's message, with its status when there was one. */
  reason: string;
  /** Failures since the last success. */
  failures: number;
}

/** Everything the tracker knows, keyed `provider` and `provider/model`; plain JSON. */
export interface CooldownState {
  providers: Record<string, CooldownEntry>;
  targets: Record<string, CooldownEntry>;
}

export function emptyCooldownState(): CooldownState {
  return { providers: {}, targets: {} };
}

/** The wait after the n-th consecutive failure: `base * 2^(n-1)`, never above `max`. */
export function backoffMs(failures: number, config: CooldownConfig): number {
  const exponent = Math.max(0, failures - 1);
  // 2^exponent overflows to Infinity long after it passed any sane max; min() handles both.
  return Math.min(config.maxMs, config.baseMs * 2 ** exponent);
}

function targetKey(provider: string, model: string): string {
  return `${provider}/${model}`;
}

function describe(failure: AttemptFailure): string {
  return failure.status === undefined ? failure.message : `${failure.status}: ${failure.message}`;
}

export interface CooldownTrackerOptions {
  config: CooldownConfig;
  /** Epoch ms; tests pass a fake. */
  clock?: () => number;
}

export class CooldownTracker implements TargetHealth {
  readonly #config: CooldownConfig;
  readonly #clock: () => number;
  #state: CooldownState = emptyCooldownState();
  #listeners: Array<() => void> = [];

  constructor(options: CooldownTrackerOptions) {
    this.#config = options.config;
    this.#clock = options.clock ?? Date.now;
  }

  now(): number {
    return this.#clock();
  }

  coolingUntil(provider: string, model: string, now: number): number {
    const until = Math.max(
      this.#state.providers[provider]?.until ?? 0,
      this.#state.targets[targetKey(provider, model)]?.until ?? 0,
    );
    return until > now ? until : 0;
  }

  reportSuccess(provider: string, model: string, _now: number): void {
    const key = targetKey(provider, model);
    if (!(key in this.#state.targets) && !(provider in this.#state.providers)) return;
    delete this.#state.targets[key];
    delete this.#state.providers[provider];
    this.#changed();
  }

  reportFailure(provider: string, model: string, failure: AttemptFailure, now: number): void {
    if (!failure.fallback) return;
    const reason = describe(failure);
    const key = targetKey(provider, model);
    this.#state.targets[key] = this.#next(this.#state.targets[key], failure, reason, now);
    if (failure.providerWide) {
      this.#state.providers[provider] = this.#next(
        this.#state.providers[provider],
        failure,
        reason,
        now,
      );
    }
    this.#changed();
  }

  /** Called after every change (to persist it); returns a function that unsubscribes. */
  onChange(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Forgets cooldowns on an admin's request (`DELETE /v0/state/cooldowns`): every one, or those
   * of one provider and/or one model. A provider-wide entry goes only when no model is named.
   * Returns how many entries were removed.
   */
  clear(filter: { provider?: string; model?: string } = {}): number {
    let removed = 0;
    if (filter.model === undefined) {
      for (const provider of Object.keys(this.#state.providers)) {
        if (filter.provider !== undefined && provider !== filter.provider) continue;
        delete this.#state.providers[provider];
        removed++;
      }
    }
    for (const key of Object.keys(this.#state.targets)) {
      const slash = key.indexOf("/");
      const provider = key.slice(0, slash);
      const model = key.slice(slash + 1);
      if (filter.provider !== undefined && provider !== filter.provider) continue;
      if (filter.model !== undefined && model !== filter.model) continue;
      delete this.#state.targets[key];
      removed++;
    }
    if (removed > 0) this.#changed();
    return removed;
  }

  /** A copy of the state, for persistence and `/health?detail=true`. */
  snapshot(): CooldownState {
    return structuredClone(this.#state);
  }

  /** Replaces the state with a saved one, dropping entries whose cooldown already ended. */
  restore(saved: CooldownState): void {
    const now = this.#clock();
    this.#state = {
      providers: unexpired(saved.providers, now),
      targets: unexpired(saved.targets, now),
    };
  }

  #next(
    previous: CooldownEntry | undefined,
    failure: AttemptFailure,
    reason: string,
    now: number,
  ): CooldownEntry {
    const failures = (previous?.failures ?? 0) + 1;
    const wait = failure.retryAfterMs ?? backoffMs(failures, this.#config);
    return { until: now + wait, reason, failures };
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

function unexpired(
  entries: Record<string, CooldownEntry>,
  now: number,
): Record<string, CooldownEntry> {
  return Object.fromEntries(Object.entries(entries).filter(([, entry]) => entry.until > now));
}
