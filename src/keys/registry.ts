/**
 * Every client key the server accepts: those of the config (plaintext secrets, compared in
 * constant time) and those created through `/v0/keys` (only a SHA-256 hash is kept). Built by
 * `buildKeyRegistry` from a config, so a reloaded config can swap in a new registry.
 */
import { KeyRing } from "../auth/client_keys.ts";
import type { ClientKey, Config, RateLimits } from "../config/types.ts";
import { compileScope, type ModelScope } from "./scope.ts";

/** A key created at run time, as persisted: never the secret. */
export interface RuntimeKey {
  name: string;
  /** Hex SHA-256 of the secret. */
  hash: string;
  models?: string[];
  limits?: RateLimits;
  createdAt: string;
  updatedAt: string;
}

export interface KeyEntry {
  key: ClientKey;
  scope: ModelScope;
  source: "config" | "api";
}

/** What a request needs from the keys: who is calling, and that key's scope and limits. */
export interface ClientKeys {
  identify(secret: string | undefined): string | undefined | Promise<string | undefined>;
  /** Absent for a plain key ring (no scopes, no limits). */
  get?(name: string): KeyEntry | undefined;
}

const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

export class KeyRegistry implements ClientKeys {
  readonly #ring: KeyRing;
  readonly #byName = new Map<string, KeyEntry>();
  #runtimeByHash = new Map<string, string>();

  constructor(keys: readonly ClientKey[], runtime: readonly RuntimeKey[] = []) {
    this.#ring = new KeyRing([...keys]);
    for (const key of keys) {
      this.#byName.set(key.name, { key, scope: compileScope(key.models), source: "config" });
    }
    this.setRuntimeKeys(runtime);
  }

  /**
   * The name of the key a secret belongs to. Synchronous for config keys (the common case, no
   * extra cost); a SHA-256 (asynchronous in WebCrypto) only when API-created keys exist.
   */
  identify(secret: string | undefined): string | undefined | Promise<string | undefined> {
    const name = this.#ring.identify(secret);
    if (name !== undefined || secret === undefined || this.#runtimeByHash.size === 0) return name;
    return sha256Hex(secret).then((hash) => this.#runtimeByHash.get(hash));
  }

  get(name: string): KeyEntry | undefined {
    return this.#byName.get(name);
  }

  /** May the key use this model (alias name or `provider/model` as requested)? */
  allows(name: string, model: string): boolean {
    const scope = this.#byName.get(name)?.scope;
    return scope === undefined || scope(model);
  }

  isConfigKey(name: string): boolean {
    return this.#byName.get(name)?.source === "config";
  }

  entries(): KeyEntry[] {
    return [...this.#byName.values()];
  }

  /** Replaces the API-created keys (after a change here or on another instance). */
  setRuntimeKeys(runtime: readonly RuntimeKey[]): void {
    for (const [name, entry] of this.#byName) {
      if (entry.source === "api") this.#byName.delete(name);
    }
    const byHash = new Map<string, string>();
    for (const key of runtime) {
      // A config key's name wins: it cannot be shadowed or deleted through the API.
      if (this.#byName.has(key.name)) continue;
      const clientKey: ClientKey = {
        name: key.name,
        secret: "",
        ...(key.models === undefined ? {} : { models: key.models }),
        ...(key.limits === undefined ? {} : { limits: key.limits }),
      };
      this.#byName.set(key.name, {
        key: clientKey,
        scope: compileScope(key.models),
        source: "api",
      });
      byHash.set(key.hash, key.name);
    }
    this.#runtimeByHash = byHash;
  }
}

/** The registry for a config (and the API-created keys kept so far). */
export function buildKeyRegistry(
  config: Pick<Config, "keys">,
  runtime: readonly RuntimeKey[] = [],
): KeyRegistry {
  return new KeyRegistry(config.keys, runtime);
}
