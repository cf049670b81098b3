/** From the teams sections of the file to `Config`: limits and the state store, defaults applied. */
import type { RateLimits, StateConfig } from "./types.ts";
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
