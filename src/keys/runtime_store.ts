/**
 * Where keys created through `/v0/keys` are kept: `{data_dir}/state/keys.json` (mode 0600) with
 * the file store, a Redis hash with the Redis store. Only the SHA-256 of a secret is ever kept.
 * With Redis, every instance hears about a change at once (publish) and reloads the keys.
 */
import { join } from "node:path";
import type { RateLimits } from "../config/types.ts";
import { readJsonFile, writeJsonFile } from "../state/json_file.ts";
import type { RedisConnection } from "../state/redis_connection.ts";
import type { RuntimeKey } from "./registry.ts";

export interface RuntimeKeyStore {
  /** Every stored key; throws when the store cannot be read. */
  load(): Promise<RuntimeKey[]>;
  /** Adds or replaces one key; throws when the store cannot be written. */
  put(key: RuntimeKey): Promise<void>;
  /** Removes one key; true when it existed. */
  remove(name: string): Promise<boolean>;
  /** Calls `listener` with every key after a change made elsewhere (another instance). */
  watch(listener: (keys: RuntimeKey[]) => void): void;
}

export function keysFilePath(dataDir: string): string {
  return join(dataDir, "state", "keys.json");
}

function isLimits(value: unknown): value is RateLimits {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A stored key, or undefined when the value is not one (hand-edited, another version). */
export function parseRuntimeKey(value: unknown): RuntimeKey | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const key = value as Record<string, unknown>;
  if (typeof key.name !== "string" || typeof key.hash !== "string") return undefined;
  if (!/^[0-9a-f]{64}$/.test(key.hash)) return undefined;
  const models = Array.isArray(key.models) && key.models.every((m) => typeof m === "string")
    ? key.models as string[]
    : undefined;
  return {
    name: key.name,
    hash: key.hash,
    ...(models === undefined ? {} : { models }),
    ...(isLimits(key.limits) ? { limits: key.limits } : {}),
    createdAt: typeof key.createdAt === "string" ? key.createdAt : "",
    updatedAt: typeof key.updatedAt === "string" ? key.updatedAt : "",
  };
}

export class FileKeyStore implements RuntimeKeyStore {
  readonly #path: string;
  /** Writes are serialized: two API calls at once must not lose one of them. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.#path = keysFilePath(dataDir);
  }

  async load(): Promise<RuntimeKey[]> {
    const saved = await readJsonFile(this.#path) as { keys?: unknown } | undefined;
    if (saved === undefined) return [];
    if (!Array.isArray(saved.keys)) throw new Error(`${this.#path} is not a keys file`);
    return saved.keys.map(parseRuntimeKey).filter((key) => key !== undefined);
  }

  put(key: RuntimeKey): Promise<void> {
    return this.#change((keys) => [...keys.filter((k) => k.name !== key.name), key]);
  }

  async remove(name: string): Promise<boolean> {
    let existed = false;
    await this.#change((keys) => {
      existed = keys.some((k) => k.name === name);
      return keys.filter((k) => k.name !== name);
    });
    return existed;
  }

  watch(): void {
    // One instance per data_dir (the lock file): nobody else changes the file.
  }

  #change(edit: (keys: RuntimeKey[]) => RuntimeKey[]): Promise<void> {
    const next = this.#queue.then(async () => {
      const keys = edit(await this.load());
      await writeJsonFile(this.#path, { version: 1, keys });
    });
    this.#queue = next.catch(() => {});
    return next;
  }
}

const CHANNEL = "keys";

export class RedisKeyStore implements RuntimeKeyStore {
  readonly #redis: RedisConnection;
  readonly #hash: string;

  constructor(redis: RedisConnection) {
    this.#redis = redis;
    this.#hash = `${redis.prefix}keys`;
  }

  async load(): Promise<RuntimeKey[]> {
    const all = await this.#redis.run((redis) => redis.hGetAll(this.#hash));
    if (all === undefined) throw new Error("Redis is unreachable");
    return Object.values(all).map((text) => {
      try {
        return parseRuntimeKey(JSON.parse(text));
      } catch {
        return undefined;
      }
    }).filter((key) => key !== undefined);
  }

  async put(key: RuntimeKey): Promise<void> {
    const done = await this.#redis.run((redis) =>
      redis.hSet(this.#hash, key.name, JSON.stringify(key))
    );
    if (done === undefined) throw new Error("Redis is unreachable");
    this.#redis.publish(CHANNEL, key.name);
  }

  async remove(name: string): Promise<boolean> {
    const removed = await this.#redis.run((redis) => redis.hDel(this.#hash, name));
    if (removed === undefined) throw new Error("Redis is unreachable");
    this.#redis.publish(CHANNEL, name);
    return Number(removed) > 0;
  }

  watch(listener: (keys: RuntimeKey[]) => void): void {
    const reload = () => {
      this.load().then(listener, () => {});
    };
    this.#redis.subscribe(CHANNEL, reload);
    // After a reconnect, changes made meanwhile are picked up.
    this.#redis.onReady(reload);
  }
}
