/**
 * Keys created, changed and revoked at run time (`/v0/keys`), over a store that outlives the
 * process. Holds the current registry: `registry` is what requests check, rebuilt on every change
 * here or on another instance, and by `rebuild(config)` when the config is reloaded.
 */
import type { Config, RateLimits } from "../config/types.ts";
import { buildKeyRegistry, type KeyRegistry, type RuntimeKey, sha256Hex } from "./registry.ts";
import type { RuntimeKeyStore } from "./runtime_store.ts";

export class KeyConflict extends Error {}

/** A new secret: `plx-` and 32 random bytes, base64url. */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const base64url = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
  return `plx-${base64url}`;
}

export interface KeyChanges {
  /** null removes the scope (all models). */
  models?: string[] | null;
  /** null removes every limit. */
  limits?: RateLimits | null;
}

export class KeyService {
  readonly #store: RuntimeKeyStore;
  readonly #onChange: (registry: KeyRegistry) => void;
  #config: Pick<Config, "keys">;
  #runtime: RuntimeKey[];
  #registry: KeyRegistry;

  private constructor(
    config: Pick<Config, "keys">,
    store: RuntimeKeyStore,
    runtime: RuntimeKey[],
    onChange: (registry: KeyRegistry) => void,
  ) {
    this.#config = config;
    this.#store = store;
    this.#runtime = runtime;
    this.#onChange = onChange;
    this.#registry = buildKeyRegistry(config, runtime);
    store.watch((keys) => this.#replace(keys));
  }

  /** Loads the stored keys; a store that cannot be read is reported and treated as empty. */
  static async open(
    config: Pick<Config, "keys">,
    store: RuntimeKeyStore,
    onChange: (registry: KeyRegistry) => void = () => {},
  ): Promise<KeyService> {
    let runtime: RuntimeKey[] = [];
    try {
      runtime = await store.load();
    } catch (error) {
      console.error(
        `plexus: cannot read the API-created keys (${
          error instanceof Error ? error.message : error
        }); starting without them`,
      );
    }
    return new KeyService(config, store, runtime, onChange);
  }

  get registry(): KeyRegistry {
    return this.#registry;
  }

  /** For a reloaded config: the same API-created keys over the new config's keys. */
  rebuild(config: Pick<Config, "keys">): KeyRegistry {
    this.#config = config;
    this.#replace(this.#runtime);
    return this.#registry;
  }

  runtimeKey(name: string): RuntimeKey | undefined {
    return this.#runtime.find((key) => key.name === name);
  }

  /** Creates a key and returns its secret: the only time it is ever shown. */
  async create(name: string, changes: KeyChanges, now: Date): Promise<string> {
    if (this.#registry.get(name) !== undefined) {
      throw new KeyConflict(`A key named '${name}' already exists.`);
    }
    const secret = newSecret();
    const key: RuntimeKey = {
      name,
      hash: await sha256Hex(secret),
      ...(changes.models ? { models: changes.models } : {}),
      ...(changes.limits ? { limits: changes.limits } : {}),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await this.#store.put(key);
    this.#replace([...this.#runtime.filter((k) => k.name !== name), key]);
    return secret;
  }

  /** undefined when no API-created key has this name. */
  async update(name: string, changes: KeyChanges, now: Date): Promise<RuntimeKey | undefined> {
    const current = this.runtimeKey(name);
    if (current === undefined) return undefined;
    const next: RuntimeKey = { ...current, updatedAt: now.toISOString() };
    if (changes.models === null) delete next.models;
    else if (changes.models !== undefined) next.models = changes.models;
    if (changes.limits === null) delete next.limits;
    else if (changes.limits !== undefined) next.limits = changes.limits;
    await this.#store.put(next);
    this.#replace(this.#runtime.map((k) => k.name === name ? next : k));
    return next;
  }

  async remove(name: string): Promise<boolean> {
    if (this.runtimeKey(name) === undefined) return false;
    await this.#store.remove(name);
    this.#replace(this.#runtime.filter((k) => k.name !== name));
    return true;
  }

  #replace(runtime: RuntimeKey[]): void {
    this.#runtime = runtime;
    this.#registry = buildKeyRegistry(this.#config, runtime);
    this.#onChange(this.#registry);
  }
}
