/**
 * Selectors order an alias's targets for one request. They are pure given their inputs: the
 * random source and the statistics are passed in, so tests can fix them.
 */
import type { AliasTarget, SelectorName } from "../config/types.ts";

/** What a selector may know about targets beyond the config. */
export interface SelectionStats {
  /** Typical latency of a target in ms, when measured. */
  latencyMs(provider: string, model: string): number | undefined;
  /**
   * Estimated USD cost of this request on a target, when priced. `inputTokens` is the request's
   * estimated prompt size, when the caller knows it.
   */
  estimatedCost(provider: string, model: string, inputTokens?: number): number | undefined;
}

export const NO_STATS: SelectionStats = {
  latencyMs: () => undefined,
  estimatedCost: () => undefined,
};

export type Random = () => number;

/** Uniform shuffle (Fisher-Yates). */
function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Weighted order without replacement: each pick is proportional to the remaining weights. */
function weightedOrder(targets: readonly AliasTarget[], random: Random): AliasTarget[] {
  const pool = targets.slice();
  const out: AliasTarget[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((sum, t) => sum + t.weight, 0);
    let pick = random() * total;
    let index = pool.length - 1;
    for (let i = 0; i < pool.length; i++) {
      pick -= pool[i].weight;
      if (pick < 0) {
        index = i;
        break;
      }
    }
    out.push(pool.splice(index, 1)[0]);
  }
  return out;
}

/** Targets with a known value first, ascending; unknown ones keep config order after them. */
function byMeasure(
  targets: readonly AliasTarget[],
  measure: (t: AliasTarget) => number | undefined,
): AliasTarget[] {
  const known = targets.filter((t) => measure(t) !== undefined);
  const unknown = targets.filter((t) => measure(t) === undefined);
  known.sort((a, b) => (measure(a) as number) - (measure(b) as number));
  return [...known, ...unknown];
}

export function orderTargets(
  selector: SelectorName,
  targets: readonly AliasTarget[],
  stats: SelectionStats = NO_STATS,
  random: Random = Math.random,
  estimatedInputTokens?: number,
): AliasTarget[] {
  switch (selector) {
    case "random":
      return shuffled(targets, random);
    case "weighted":
      return weightedOrder(targets, random);
    case "in_order":
      return targets.slice();
    case "lowest_latency":
      return byMeasure(targets, (t) => stats.latencyMs(t.provider, t.model));
    case "lowest_cost":
      return byMeasure(
        targets,
        (t) => stats.estimatedCost(t.provider, t.model, estimatedInputTokens),
      );
  }
}
