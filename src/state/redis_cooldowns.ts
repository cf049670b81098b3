/**
 * Cooldowns shared through Redis: routing keeps reading the in-memory tracker (no round trip per
 * request); every change this instance makes is written to a Redis hash and published, and
 * every instance applies what the others publish. A target cooled by one instance is therefore
 * skipped by all within one round trip. A newly started (or reconnected) instance loads the
 * hash first.
 */
import type { CooldownEntry, CooldownState, CooldownTracker } from "./cooldowns.ts";
import type { RedisConnection } from "./redis_connection.ts";

const CHANNEL = "cooldowns";

/** One change: entries set (or `null`: removed), by `p:<provider>` / `t:<provider/model>`. */
interface CooldownMessage {
  from: string;
  changes: Record<string, CooldownEntry | null>;
}

function flatten(state: CooldownState): Map<string, CooldownEntry> {
  const out = new Map<string, CooldownEntry>();
  for (const [name, entry] of Object.entries(state.providers)) out.set(`p:${name}`, entry);
  for (const [name, entry] of Object.entries(state.targets)) out.set(`t:${name}`, entry);
  return out;
}

function unflatten(entries: Map<string, CooldownEntry>): CooldownState {
  const state: CooldownState = { providers: {}, targets: {} };
  for (const [field, entry] of entries) {
    if (field.startsWith("p:")) state.providers[field.slice(2)] = entry;
    else if (field.startsWith("t:")) state.targets[field.slice(2)] = entry;
  }
  return state;
}

function sameEntry(a: CooldownEntry | undefined, b: CooldownEntry | undefined): boolean {
  return a?.until === b?.until && a?.failures === b?.failures && a?.reason === b?.reason;
}

function parseEntry(value: unknown): CooldownEntry | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const entry = value as Record<string, unknown>;
  if (typeof entry.until !== "number" || !Number.isFinite(entry.until)) return undefined;
  return {
    until: entry.until,
    reason: typeof entry.reason === "string" ? entry.reason : "",
    failures: typeof entry.failures === "number" ? entry.failures : 1,
  };
}

export class RedisCooldownSync {
  readonly #redis: RedisConnection;
  readonly #tracker: CooldownTracker;
  readonly #instance: string;
  readonly #hash: string;
  /** What the tracker held after the last change was shared or applied. */
  #known: Map<string, CooldownEntry>;

  constructor(redis: RedisConnection, tracker: CooldownTracker, instance: string) {
    this.#redis = redis;
    this.#tracker = tracker;
    this.#instance = instance;
    this.#hash = `${redis.prefix}cooldowns`;
    this.#known = flatten(tracker.snapshot());
    tracker.onChange(() => this.#share());
    redis.subscribe(CHANNEL, (text) => this.#received(text));
    redis.onReady(() => void this.load());
  }

  /** Applies everything in the hash (at start and after a reconnect). */
  async load(): Promise<void> {
    const all = await this.#redis.run((redis) => redis.hGetAll(this.#hash));
    if (all === undefined) return;
    const changes: Record<string, CooldownEntry | null> = {};
    for (const [field, text] of Object.entries(all)) {
      try {
        const entry = parseEntry(JSON.parse(text));
        if (entry !== undefined) changes[field] = entry;
      } catch {
        // A field someone else wrote: not ours to understand.
      }
    }
    this.#apply(changes);
  }

  #share(): void {
    const now = flatten(this.#tracker.snapshot());
    const changes: Record<string, CooldownEntry | null> = {};
    for (const [field, entry] of now) {
      if (!sameEntry(entry, this.#known.get(field))) changes[field] = entry;
    }
    for (const field of this.#known.keys()) if (!now.has(field)) changes[field] = null;
    this.#known = now;
    if (Object.keys(changes).length === 0) return;
    const message: CooldownMessage = { from: this.#instance, changes };
    void this.#redis.run(async (redis) => {
      for (const [field, entry] of Object.entries(changes)) {
        if (entry === null) await redis.hDel(this.#hash, field);
        else await redis.hSet(this.#hash, field, JSON.stringify(entry));
      }
      await redis.publish(this.#redis.prefix + CHANNEL, JSON.stringify(message));
    });
  }

  #received(text: string): void {
    let message: CooldownMessage;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.from === this.#instance || typeof message.changes !== "object") return;
    const changes: Record<string, CooldownEntry | null> = {};
    for (const [field, value] of Object.entries(message.changes ?? {})) {
      changes[field] = value === null ? null : parseEntry(value) ?? null;
    }
    this.#apply(changes);
  }

  /** Sets entries without sharing them again (`restore` does not notify listeners). */
  #apply(changes: Record<string, CooldownEntry | null>): void {
    const current = flatten(this.#tracker.snapshot());
    for (const [field, entry] of Object.entries(changes)) {
      if (entry === null) current.delete(field);
      else current.set(field, entry);
    }
    this.#tracker.restore(unflatten(current));
    this.#known = flatten(this.#tracker.snapshot());
  }
}
