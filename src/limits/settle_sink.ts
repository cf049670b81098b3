/**
 * Settles each finished request's limit ticket with what it really used and cost. Shaped like a
 * usage sink (it receives every request record) without depending on the usage folder.
 */
import type { Usage } from "../codecs/unified.ts";
import type { LimitTicket } from "./admission.ts";
import type { Limiter } from "./limiter.ts";

/** The parts of a request record settlement reads. */
export interface SettledRecord {
  limitTicket?: LimitTicket;
  usage?: Usage;
  provider?: string;
  model?: string;
}

/** USD a finished request cost at its target's price; null when unpriced (counts as 0). */
export type CostOf = (record: SettledRecord & { usage: Usage }) => number | null;

export function settlingSink(limiter: Limiter, costOf: CostOf) {
  return {
    record(record: SettledRecord): void {
      const ticket = record.limitTicket;
      if (ticket === undefined) return;
      const usage = record.usage;
      if (usage === undefined) return limiter.settle(ticket, 0, 0);
      limiter.settle(ticket, usage.inputTokens + usage.outputTokens, costOf({ ...record, usage }));
    },
  };
}
