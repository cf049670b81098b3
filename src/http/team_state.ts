/**
 * The state a server shares with other instances, or keeps to itself (docs/teams.md): client
 * keys (from the config and from `/v0/keys`), limit counters and cooldowns. `state.store: file`
 * keeps everything in this process and `data_dir`; `state.store: redis` shares it through
 * Redis, falling back to this process's own counters while Redis is unreachable.
 */
import type { Config } from "../config/types.ts";
import { FileKeyStore, RedisKeyStore, type RuntimeKeyStore } from "../keys/runtime_store.ts";
import type { KeyRegistry } from "../keys/registry.ts";
import { KeyService } from "../keys/service.ts";
import type { LimitSubject, SubjectUsage } from "../limits/admission.ts";
import { type CounterChoice, Limiter } from "../limits/limiter.ts";
import { LocalLimitCounters } from "../limits/local_counters.ts";
import { openPersistedCounters } from "../limits/persisted_budgets.ts";
import { RedisLimitCounters } from "../limits/redis_counters.ts";
import { type CostOf, type SettledRecord, settlingSink } from "../limits/settle_sink.ts";
import type { CooldownTracker } from "../state/cooldowns.ts";
import { type InstanceLock, lockDataDir } from "../state/instance_lock.ts";
import { RedisConnection, type RedisStatus } from "../state/redis_connection.ts";
import { RedisCooldownSync } from "../state/redis_cooldowns.ts";
import type { SelectionStats } from "../routing/selectors.ts";
import { SharedStats } from "../usage/shared_stats.ts";
import type { RollingStats } from "../usage/stats.ts";

export type StateStatus = { store: "file"; mode: "local" } | RedisStatus;

export interface TeamState {
  keys: KeyService;
  limiter: Limiter;
  /** Settles every finished request's limits: add it to the usage sinks. */
  sink: { record(record: SettledRecord): void };
  /** Current counters of a subject, for `/v0/keys`. */
  usage(subject: LimitSubject, now: number): Promise<SubjectUsage>;
  status(): StateStatus;
  /** What the selectors read: this instance's statistics, with the others' through Redis. */
  selectionStats(local: RollingStats): SelectionStats;
  /** Saves what must survive a restart and lets go of Redis and the data_dir lock. */
  close(): Promise<void>;
}

export interface TeamStateOptions {
  /** Read at settlement: the current config's prices (a reload may change them). */
  config: Config;
  costOf: CostOf;
  /** The server's cooldown tracker, shared through Redis when the store is Redis. */
  cooldowns?: CooldownTracker;
  /** Called with the new registry whenever keys change (API, another instance). */
  onKeys(registry: KeyRegistry): void;
  /** Names this instance in Redis messages. */
  instanceId: string;
}

/** `host-pid`: unique among instances sharing a data_dir or a Redis. */
export function defaultInstanceId(): string {
  let host = "host";
  try {
    host = Deno.hostname();
  } catch {
    // Not permitted: the pid alone still tells instances on one machine apart.
  }
  return `${host.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-${Deno.pid}`;
}

/** How long a starting server waits for Redis before serving with local state. */
const START_WAIT_MS = 1500;

export async function openTeamState(options: TeamStateOptions): Promise<TeamState> {
  const { config } = options;
  if (config.state.store === "redis") return await openShared(options, config.state);
  const lock: InstanceLock = await lockDataDir(config.server.dataDir);
  const persisted = await openPersistedCounters(config.server.dataDir);
  const counters = persisted.counters;
  const choice: CounterChoice = { local: counters };
  const keys = await KeyService.open(
    config,
    new FileKeyStore(config.server.dataDir),
    options.onKeys,
  );
  const limiter = new Limiter(config, choice);
  return {
    keys,
    limiter,
    sink: settlingSink(limiter, options.costOf),
    usage: (subject, now) => Promise.resolve(counters.usage(subject, now)),
    status: () => ({ store: "file", mode: "local" }),
    selectionStats: (local) => local,
    close: async () => {
      await persisted.flush();
      await lock.release();
    },
  };
}

async function openShared(
  options: TeamStateOptions,
  state: Extract<Config["state"], { store: "redis" }>,
): Promise<TeamState> {
  const { config } = options;
  const redis = await RedisConnection.open({
    url: state.url,
    prefix: state.prefix,
    timeoutMs: state.timeoutMs,
  });
  await redis.waitReady(START_WAIT_MS);
  const local = new LocalLimitCounters();
  const shared = new RedisLimitCounters(redis);
  const store: RuntimeKeyStore = new RedisKeyStore(redis);
  const keys = await KeyService.open(config, store, options.onKeys);
  if (options.cooldowns !== undefined) {
    const sync = new RedisCooldownSync(redis, options.cooldowns, options.instanceId);
    await sync.load();
  }
  const limiter = new Limiter(config, { local, shared });
  let stats: SharedStats | undefined;
  return {
    keys,
    limiter,
    sink: settlingSink(limiter, options.costOf),
    usage: async (subject, now) => await shared.usage(subject, now) ?? local.usage(subject, now),
    status: () => redis.status(),
    selectionStats: (localStats) => {
      stats ??= new SharedStats(localStats, redis, options.instanceId);
      return stats;
    },
    close: () => {
      stats?.close();
      redis.close();
      return Promise.resolve();
    },
  };
}
