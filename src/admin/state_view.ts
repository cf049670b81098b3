/**
 * The body of `GET /v0/state` (docs/admin.md, "GET /v0/state"): uptime, version, requests in
 * flight, the cooldown tracker's entries and the rolling statistics per target.
 */
import type { CooldownEntry, CooldownState } from "../state/cooldowns.ts";
import type { TargetStatsSnapshot } from "../usage/stats.ts";

export interface StateInputs {
  version: string;
  startedAt: number;
  now: number;
  inFlight: number;
  /** Undefined when the server runs without a cooldown tracker. */
  cooldowns: CooldownState | undefined;
  stats: TargetStatsSnapshot[];
}

interface CooldownEntryView {
  provider: string;
  model?: string;
  /** False once `until` passed: the failures are remembered until the next success. */
  cooling: boolean;
  until: string;
  reason: string;
  consecutive_failures: number;
}

function entryView(entry: CooldownEntry, now: number): Omit<CooldownEntryView, "provider"> {
  return {
    cooling: entry.until > now,
    until: new Date(entry.until).toISOString(),
    reason: entry.reason,
    consecutive_failures: entry.failures,
  };
}

/** Target keys are `provider/model`; provider names hold no `/`, model names may. */
export function splitTargetKey(key: string): { provider: string; model: string } {
  const slash = key.indexOf("/");
  return slash === -1
    ? { provider: key, model: "" }
    : { provider: key.slice(0, slash), model: key.slice(slash + 1) };
}

function round(value: number | undefined, digits: number): number | null {
  if (value === undefined) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Every remembered entry; `null` without a tracker. */
export function cooldownsView(cooldowns: CooldownState | undefined, now: number) {
  if (cooldowns === undefined) return null;
  return {
    providers: Object.entries(cooldowns.providers).map(([provider, entry]) => ({
      provider,
      ...entryView(entry, now),
    })),
    targets: Object.entries(cooldowns.targets).map(([key, entry]) => ({
      ...splitTargetKey(key),
      ...entryView(entry, now),
    })),
  };
}

export function stateView(inputs: StateInputs) {
  const { now } = inputs;
  return {
    version: inputs.version,
    started_at: new Date(inputs.startedAt).toISOString(),
    uptime_s: Math.floor((now - inputs.startedAt) / 1000),
    in_flight_requests: inputs.inFlight,
    cooldowns: cooldownsView(inputs.cooldowns, now),
    stats: inputs.stats.map((s) => ({
      provider: s.provider,
      model: s.model,
      samples: s.samples,
      latency_ms: round(s.latencyMs, 1),
      ttft_ms: round(s.ttftMs, 1),
      error_rate: round(s.errorRate, 4),
      tokens_per_s: round(s.tokensPerSecond, 2),
      input_tokens: round(s.inputTokens, 0),
      output_tokens: round(s.outputTokens, 0),
    })),
  };
}
