/**
 * Turns the cooldown tracker's changes into `cooldown` events: `started` when a target or
 * provider begins (or extends) a cooldown, `ended` when it is over, either because its time ran
 * out (`expired`) or because a success or an admin cleared it (`cleared`). The tracker only says
 * "something changed", so the watcher compares what it announced with the tracker's snapshot,
 * and sets a timer for the next expiry, which the tracker does not report.
 */
import type { CooldownState, CooldownTracker } from "../state/cooldowns.ts";
import { splitTargetKey } from "./state_view.ts";

export interface CooldownEvent {
  state: "started" | "ended";
  scope: "target" | "provider";
  provider: string;
  /** Only for targets. */
  model?: string;
  /** ISO 8601: when the cooldown ends (started) or when it was planned to (ended). */
  until: string;
  reason: string;
  consecutive_failures: number;
  /** For `ended`: the time ran out, or a success or an admin removed it. */
  cause?: "expired" | "cleared";
}

/** What was announced as cooling: `p:provider` or `t:provider/model` to its `until`. */
export type Announced = ReadonlyMap<string, number>;

function entries(state: CooldownState): Map<string, CooldownState["targets"][string]> {
  const out = new Map<string, CooldownState["targets"][string]>();
  for (const [provider, entry] of Object.entries(state.providers)) out.set(`p:${provider}`, entry);
  for (const [key, entry] of Object.entries(state.targets)) out.set(`t:${key}`, entry);
  return out;
}

function describe(key: string): Pick<CooldownEvent, "scope" | "provider" | "model"> {
  if (key.startsWith("p:")) return { scope: "provider", provider: key.slice(2) };
  return { scope: "target", ...splitTargetKey(key.slice(2)) };
}

/** The events between what was announced and the state now, and what is announced after. */
export function cooldownChanges(
  announced: Announced,
  state: CooldownState,
  now: number,
  lastKnown: ReadonlyMap<string, { reason: string; failures: number }> = new Map(),
): { events: CooldownEvent[]; announced: Map<string, number> } {
  const events: CooldownEvent[] = [];
  const next = new Map<string, number>();
  const current = entries(state);
  for (const [key, entry] of current) {
    if (entry.until <= now) continue;
    next.set(key, entry.until);
    if (announced.get(key) === entry.until) continue;
    events.push({
      state: "started",
      ...describe(key),
      until: new Date(entry.until).toISOString(),
      reason: entry.reason,
      consecutive_failures: entry.failures,
    });
  }
  for (const [key, until] of announced) {
    if (next.has(key)) continue;
    const entry = current.get(key);
    const known = entry ?? lastKnown.get(key);
    events.push({
      state: "ended",
      ...describe(key),
      until: new Date(until).toISOString(),
      reason: known?.reason ?? "",
      consecutive_failures: known?.failures ?? 0,
      cause: entry !== undefined && entry.until <= now ? "expired" : "cleared",
    });
  }
  return { events, announced: next };
}

/** Timers beyond this are re-armed, as `setTimeout` overflows past 2^31 - 1 ms. */
const MAX_TIMER_MS = 3_600_000;

export class CooldownWatcher {
  readonly #tracker: CooldownTracker;
  readonly #emit: (event: CooldownEvent) => void;
  readonly #unsubscribe: () => void;
  #announced: Map<string, number>;
  #lastKnown = new Map<string, { reason: string; failures: number }>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(tracker: CooldownTracker, emit: (event: CooldownEvent) => void) {
    this.#tracker = tracker;
    this.#emit = emit;
    // What was cooling at start (restored from disk) counts as already announced.
    this.#announced = cooldownChanges(new Map(), tracker.snapshot(), tracker.now()).announced;
    this.#remember(tracker.snapshot());
    this.#unsubscribe = tracker.onChange(() => this.#check());
    this.#arm();
  }

  close(): void {
    this.#unsubscribe();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    const state = this.#tracker.snapshot();
    const { events, announced } = cooldownChanges(
      this.#announced,
      state,
      this.#tracker.now(),
      this.#lastKnown,
    );
    this.#announced = announced;
    this.#remember(state);
    for (const event of events) this.#emit(event);
    this.#arm();
  }

  /** Kept so that an `ended` event for a removed entry can still say why it had cooled. */
  #remember(state: CooldownState): void {
    this.#lastKnown = new Map(
      [...entries(state)].map(([key, entry]) => [
        key,
        { reason: entry.reason, failures: entry.failures },
      ]),
    );
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#announced.size === 0) return;
    const next = Math.min(...this.#announced.values());
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, next - this.#tracker.now()) + 5);
    this.#timer = setTimeout(() => this.#check(), wait);
  }
}
