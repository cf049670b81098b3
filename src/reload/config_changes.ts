/**
 * What a reload changes, worked out from the running config and the new one (pure). Settings the
 * running process cannot take on without a restart keep their running values and are named.
 */
import type { Config, ProviderConfig } from "../config/types.ts";

export interface ConfigChanges {
  providersAdded: string[];
  providersRemoved: string[];
  /** Same name, a different definition (URL, key, API, models, headers, timeouts...). */
  providersChanged: string[];
  aliasesAdded: string[];
  aliasesRemoved: string[];
  aliasesChanged: string[];
  keysAdded: string[];
  keysRemoved: string[];
  /** YAML names of settings that only a restart applies, e.g. `server.port`. */
  restartNeeded: string[];
}

/** Settings bound at start (the listener, open log files, the cooldown tracker). */
const RESTART_ONLY: Array<{ name: string; get(config: Config): unknown }> = [
  { name: "server.host", get: (c) => c.server.host },
  { name: "server.port", get: (c) => c.server.port },
  { name: "server.data_dir", get: (c) => c.server.dataDir },
  { name: "logging.bodies", get: (c) => c.logging.bodies },
  { name: "cooldown", get: (c) => c.cooldown },
];

export function configChanges(running: Config, next: Config): ConfigChanges {
  const providers = namesDiff(running.providers, next.providers, sameProvider);
  const aliases = namesDiff(running.models, next.models, sameJson);
  const runningKeys = new Map(running.keys.map((key) => [key.name, key.secret]));
  const nextKeys = new Map(next.keys.map((key) => [key.name, key.secret]));
  return {
    providersAdded: providers.added,
    providersRemoved: providers.removed,
    providersChanged: providers.changed,
    aliasesAdded: aliases.added,
    aliasesRemoved: aliases.removed,
    aliasesChanged: aliases.changed,
    // A key whose secret changed is the old key removed and a new one added.
    keysAdded: [...nextKeys].filter(([name, secret]) => runningKeys.get(name) !== secret)
      .map(([name]) => name),
    keysRemoved: [...runningKeys].filter(([name, secret]) => nextKeys.get(name) !== secret)
      .map(([name]) => name),
    restartNeeded: RESTART_ONLY.filter((setting) =>
      !sameJson(setting.get(running), setting.get(next))
    ).map((setting) => setting.name),
  };
}

/** The new config with the running values of settings that need a restart. */
export function withRunningListener(running: Config, next: Config): Config {
  return {
    ...next,
    server: {
      ...next.server,
      host: running.server.host,
      port: running.server.port,
      dataDir: running.server.dataDir,
    },
    logging: running.logging,
    cooldown: running.cooldown,
  };
}

/** Providers whose cooldowns and statistics no longer describe what the new config calls. */
export function staleProviders(changes: ConfigChanges): string[] {
  return [...changes.providersRemoved, ...changes.providersChanged];
}

export function hasChanges(changes: ConfigChanges): boolean {
  return Object.values(changes).some((list) => list.length > 0);
}

function namesDiff<T>(
  running: Record<string, T>,
  next: Record<string, T>,
  same: (a: T, b: T) => boolean,
): { added: string[]; removed: string[]; changed: string[] } {
  const runningNames = new Set(Object.keys(running));
  const nextNames = Object.keys(next);
  return {
    added: nextNames.filter((name) => !runningNames.has(name)),
    removed: [...runningNames].filter((name) => !Object.hasOwn(next, name)),
    changed: nextNames.filter((name) => runningNames.has(name) && !same(running[name], next[name])),
  };
}

function sameProvider(a: ProviderConfig, b: ProviderConfig): boolean {
  return sameJson(a, b);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
