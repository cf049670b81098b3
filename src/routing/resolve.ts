/** Turns the `model` a client asked for into the ordered list of targets to try. */
import type { AliasTarget, Config } from "../config/types.ts";
import { GatewayError } from "../codecs/unified.ts";
import { orderTargets, type Random, type SelectionStats } from "./selectors.ts";
import type { TargetHealth } from "./health.ts";
import { aliasByExtraName, aliasByPattern } from "./model_names.ts";

export interface Candidate {
  provider: string;
  model: string;
}

export interface Resolution {
  /** The alias, or undefined for a direct `provider/model`. */
  alias?: string;
  candidates: Candidate[];
}

/**
 * Aliases win over `provider/model`. Cooling targets are skipped; when every target is cooling,
 * the one whose cooldown ends first is tried anyway, so a stale cooldown never locks an alias.
 */
export function resolveModel(
  config: Config,
  requested: string,
  health: TargetHealth,
  now: number,
  stats?: SelectionStats,
  random?: Random,
  estimatedInputTokens?: number,
): Resolution {
  // Own properties only: a model named `constructor` or `__proto__` is just an unknown name.
  const alias = ownValue(config.models, requested) ??
    aliasByExtraName(config.models, requested) ??
    (directTarget(config, requested) ? undefined : aliasByPattern(config.models, requested));
  if (alias !== undefined) {
    const enabled = alias.targets.filter((t) => t.enabled);
    if (enabled.length === 0) {
      throw new GatewayError(
        "unavailable",
        `Model '${requested}' has no enabled target: every provider behind it is disabled.`,
      );
    }
    const ordered = orderTargets(alias.selector, enabled, stats, random, estimatedInputTokens);
    const candidates = withoutCooling(ordered, health, now);
    const limit = alias.maxAttempts ?? candidates.length;
    return { alias: alias.name, candidates: candidates.slice(0, limit).map(toCandidate) };
  }
  const slash = requested.indexOf("/");
  if (slash > 0) {
    const provider = ownValue(config.providers, requested.slice(0, slash));
    const model = requested.slice(slash + 1);
    if (provider !== undefined && Object.hasOwn(provider.models, model)) {
      if (!provider.enabled) {
        throw new GatewayError(
          "unavailable",
          `Model '${requested}' is unavailable: provider '${provider.name}' is disabled.`,
        );
      }
      return { candidates: [{ provider: provider.name, model }] };
    }
  }
  throw new GatewayError(
    "not_found",
    `The model '${requested}' does not exist. Ask GET /v1/models for the models this gateway serves.`,
    { param: "model", code: "model_not_found" },
  );
}

/** Whether `requested` names a configured `provider/model`. */
function directTarget(config: Config, requested: string): boolean {
  const slash = requested.indexOf("/");
  if (slash <= 0) return false;
  const provider = ownValue(config.providers, requested.slice(0, slash));
  return provider !== undefined && Object.hasOwn(provider.models, requested.slice(slash + 1));
}

function ownValue<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function withoutCooling(
  ordered: AliasTarget[],
  health: TargetHealth,
  now: number,
): AliasTarget[] {
  const healthy = ordered.filter((t) => health.coolingUntil(t.provider, t.model, now) <= now);
  if (healthy.length > 0) return healthy;
  return ordered.slice().sort((a, b) =>
    health.coolingUntil(a.provider, a.model, now) - health.coolingUntil(b.provider, b.model, now)
  );
}

function toCandidate(t: AliasTarget): Candidate {
  return { provider: t.provider, model: t.model };
}
