/** From the teams sections of the file to `Config`: limits and the state store, defaults applied. */
import type { AliasConfig, ClientKey, ProviderConfig, RateLimits, StateConfig } from "./types.ts";
import type { RateLimitsFile, StateFile } from "./teams_schema.ts";

export const STATE_DEFAULTS = { prefix: "plexus:", timeoutMs: 250 } as const;

/** undefined when the section sets nothing, so "no limits" costs nothing per request. */
export function buildRateLimits(file: RateLimitsFile | undefined): RateLimits | undefined {
  if (file === undefined) return undefined;
  const limits: RateLimits = {};
  if (file.requests_per_minute !== undefined) limits.requestsPerMinute = file.requests_per_minute;
  if (file.tokens_per_minute !== undefined) limits.tokensPerMinute = file.tokens_per_minute;
  if (file.max_concurrent !== undefined) limits.maxConcurrent = file.max_concurrent;
  if (file.budget !== undefined) limits.budget = { ...file.budget };
  return Object.keys(limits).length === 0 ? undefined : limits;
}

export function buildStateConfig(file: StateFile | undefined): StateConfig {
  if (file === undefined || file.store === "file") return { store: "file" };
  return {
    store: "redis",
    url: file.url,
    prefix: file.prefix ?? STATE_DEFAULTS.prefix,
    timeoutMs: file.timeout_ms ?? STATE_DEFAULTS.timeoutMs,
  };
}

/** Does a key's `models:` entry (with `*` globs) match this alias? */
function scopeMatches(patterns: readonly string[] | undefined, alias: string): boolean {
  if (patterns === undefined) return true;
  return patterns.some((pattern) =>
    new RegExp(
      `^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`,
      "s",
    )
      .test(alias)
  );
}

/**
 * Budgets count cost, and a target without prices costs nothing: say so for every budget that
 * such a target could spend (docs/teams.md, "Limits that hold exactly").
 */
export function unpricedBudgetWarnings(
  keys: readonly ClientKey[],
  aliases: Record<string, AliasConfig>,
  providers: Record<string, ProviderConfig>,
): string[] {
  const unpriced = (alias: AliasConfig) =>
    alias.targets.filter((t) => {
      const pricing = providers[t.provider]?.models[t.model]?.pricing;
      return pricing?.input === undefined || pricing.output === undefined;
    }).map((t) => `${t.provider}/${t.model}`);
  const warnings: string[] = [];
  for (const alias of Object.values(aliases)) {
    const free = unpriced(alias);
    if (alias.limits?.budget !== undefined && free.length > 0) {
      warnings.push(
        `alias ${alias.name} has a budget, but ${
          free.join(", ")
        } has no input/output price: its requests count $0 against it`,
      );
    }
  }
  for (const key of keys) {
    if (key.limits?.budget === undefined) continue;
    const free = Object.values(aliases).filter((alias) => scopeMatches(key.models, alias.name))
      .flatMap(unpriced);
    if (free.length === 0) continue;
    warnings.push(
      `key ${key.name} has a budget, but ${[...new Set(free)].slice(0, 3).join(", ")}${
        free.length > 3 ? ", ..." : ""
      } has no input/output price: its requests count $0 against it`,
    );
  }
  return warnings;
}

/** The admin key opens /v0 only; a client key with the same secret would blur the two. */
export function adminKeyWarnings(
  adminKey: string | undefined,
  keys: readonly ClientKey[],
): string[] {
  if (adminKey === undefined) return [];
  return keys.filter((key) => key.secret === adminKey).map((key) =>
    `client key ${key.name} has the admin key as its secret: give it its own (the admin key is not a client key)`
  );
}
