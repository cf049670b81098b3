/**
 * The body of `GET /health?detail=true`: every provider and every target with whether it is
 * healthy or cooling, until when, why, and its consecutive failures.
 */
import type { Config } from "../config/types.ts";
import type { CooldownEntry, CooldownState } from "./cooldowns.ts";

export interface CooldownView {
  status: "healthy" | "cooling";
  /** ISO 8601, only while cooling. */
  cooling_until?: string;
  reason?: string;
  consecutive_failures: number;
}

export interface ProviderView extends CooldownView {
  name: string;
  api: string;
  enabled: boolean;
  disabled_reason?: string;
}

export interface TargetView extends CooldownView {
  provider: string;
  model: string;
}

export interface HealthDetail {
  providers: ProviderView[];
  targets: TargetView[];
}

function view(entry: CooldownEntry | undefined, now: number): CooldownView {
  if (entry === undefined) return { status: "healthy", consecutive_failures: 0 };
  const cooling = entry.until > now;
  return {
    status: cooling ? "cooling" : "healthy",
    ...(cooling ? { cooling_until: new Date(entry.until).toISOString() } : {}),
    reason: entry.reason,
    consecutive_failures: entry.failures,
  };
}

/** A target cools while its provider does: show the later cooldown and its reason. */
function effective(
  own: CooldownEntry | undefined,
  provider: CooldownEntry | undefined,
  now: number,
): CooldownEntry | undefined {
  if (provider === undefined || provider.until <= now) return own;
  if (own !== undefined && own.until >= provider.until) return own;
  return {
    until: provider.until,
    reason: `provider: ${provider.reason}`,
    failures: own?.failures ?? 0,
  };
}

/** Every configured provider and model, merged with what the tracker remembers about them. */
export function healthDetail(config: Config, state: CooldownState, now: number): HealthDetail {
  const providers: ProviderView[] = [];
  const targets: TargetView[] = [];
  for (const provider of Object.values(config.providers)) {
    const providerEntry = state.providers[provider.name];
    providers.push({
      name: provider.name,
      api: provider.api,
      enabled: provider.enabled,
      ...(provider.disabledReason === undefined
        ? {}
        : { disabled_reason: provider.disabledReason }),
      ...view(providerEntry, now),
    });
    for (const model of Object.keys(provider.models)) {
      targets.push({
        provider: provider.name,
        model,
        ...view(effective(state.targets[`${provider.name}/${model}`], providerEntry, now), now),
      });
    }
  }
  return { providers, targets };
}
