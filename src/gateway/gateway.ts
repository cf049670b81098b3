/** What every request handler needs from the running server, built once by `http/server.ts`. */
import type { Config } from "../config/types.ts";
import type { ClientKeys } from "../keys/registry.ts";
import type { Limiter } from "../limits/limiter.ts";
import type { TargetHealth } from "../routing/health.ts";
import type { Random, SelectionStats } from "../routing/selectors.ts";
import type { SendUpstream } from "../upstream/types.ts";
import type { UsageSink } from "../usage/record.ts";
import type { ResponsesStore } from "../state/responses_store.ts";
import type { Turns } from "../wire/event_loop_turns.ts";

/** Everything a request needs from the running server. */
export interface Gateway {
  config: Config;
  keys: ClientKeys;
  /** Enforces key and alias limits (docs/teams.md); nothing is limited when absent. */
  limiter?: Limiter;
  health: TargetHealth;
  usage: UsageSink;
  stats?: SelectionStats;
  random?: Random;
  /** Aborts when shutdown stops waiting for in-flight requests: they end with an error. */
  stopSignal?: AbortSignal;
  /** How provider calls reach the network (`fetch` when absent). */
  upstream?: SendUpstream;
  /** Lets a stream's first bytes out before more work; streams do not wait when absent. */
  turns?: Turns;
  /** What Plexus keeps of Responses answers; no server-side state when absent. */
  responses?: ResponsesStore;
}
