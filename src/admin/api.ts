/**
 * The management API under `/v0` (docs/admin.md): configuration, state, usage logs and a live
 * event stream, all behind `admin_key`. Every `/v0` path is checked for the key before anything
 * else, so an unauthenticated caller learns nothing about which paths exist.
 */
import type { Config } from "../config/types.ts";
import type { TargetHealth } from "../routing/health.ts";
import { CooldownTracker } from "../state/cooldowns.ts";
import { usageLine } from "../usage/log_line.ts";
import type { UsageSink } from "../usage/record.ts";
import type { TargetStatsSnapshot } from "../usage/stats.ts";
import { adminAccess } from "./auth.ts";
import type { KeysAdmin } from "./keys.ts";
import type { Reloader } from "../reload/reloader.ts";
import { reloadFromFile, replaceConfig } from "./config_reload.ts";
import { configView } from "./config_view.ts";
import { CooldownWatcher } from "./cooldown_events.ts";
import { adminError, adminJson } from "./errors.ts";
import { eventStream, KEEP_ALIVE_MS } from "./event_stream.ts";
import { DEFAULT_QUEUE_LIMIT, EventBus } from "./events.ts";
import { logsRequestOf, newestLogLines } from "./logs.ts";
import { cooldownsView, stateView } from "./state_view.ts";

export interface AdminOptions {
  config: Config;
  version: string;
  /** Epoch ms the server started. */
  startedAt: number;
  /** Read per request: the gateway's health may be swapped by tests. */
  health: () => TargetHealth;
  stats: () => TargetStatsSnapshot[];
  inFlight: () => number;
  /** Writes the cooldowns to their store now (after a clear). */
  persistCooldowns?: () => Promise<void>;
  /** Read per request: reloading starts after the admin API exists. */
  reloader?: () => Reloader | undefined;
  /** `/v0/keys` (docs/teams.md); absent, the endpoints answer 404. */
  keys?: KeysAdmin;
  /** Where shared state lives and whether it is reachable, for `/v0/state`. */
  stateStore?: () => unknown;
  /** Aliases with limits and their usage (counted over every key), for `/v0/state`. */
  aliasLimits?: () => Promise<unknown[]>;
  keepAliveMs?: number;
  /** Events a subscriber may fall behind before the oldest are dropped. */
  queueLimit?: number;
  clock?: () => number;
}

type AdminHandler = (request: Request, url: URL) => Response | Promise<Response>;

/** Methods the router hands to the admin API; it answers 405 itself for the wrong ones. */
const ADMIN_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** `/v0` and everything below it. */
export const ADMIN_PATH = /^\/v0(\/.*)?$/;

export class AdminApi {
  readonly events = new EventBus();
  /** Where dispatch's usage records go to become `request` events. */
  readonly usageSink: UsageSink;
  readonly #options: AdminOptions;
  readonly #clock: () => number;
  readonly #routes: Record<string, Record<string, AdminHandler>>;
  readonly #watcher: CooldownWatcher | undefined;

  constructor(options: AdminOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    const health = options.health();
    this.#watcher = health instanceof CooldownTracker
      ? new CooldownWatcher(health, (event) => this.events.publish("cooldown", event))
      : undefined;
    this.usageSink = {
      record: (record) => {
        // Building the line costs a little; only do it for someone who listens.
        if (this.events.subscriberCount === 0) return;
        this.events.publish("request", usageLine(record, options.config));
      },
    };
    this.#routes = {
      "/v0/config": {
        GET: () => adminJson(configView(options.config)),
        PUT: (request) => replaceConfig(options.reloader?.(), request),
      },
      "/v0/config/reload": { POST: () => reloadFromFile(options.reloader?.()) },
      "/v0/state": { GET: async () => this.#state(await options.aliasLimits?.() ?? []) },
      "/v0/state/cooldowns": { DELETE: (_request, url) => this.#clearCooldowns(url) },
      "/v0/logs": { GET: (_request, url) => this.#logs(url) },
      "/v0/events": { GET: (request) => this.#subscribe(request) },
    };
  }

  /** Serves every request under `/v0`. */
  async handle(request: Request, url: URL): Promise<Response> {
    const access = adminAccess(this.#options.config.adminKey, request.headers);
    if (access === "disabled") {
      return adminError(
        403,
        "permission_error",
        "The admin API is disabled: set admin_key in the config (for example admin_key: ${PLEXUS_ADMIN_KEY}) and restart.",
      );
    }
    if (access === "denied") {
      return adminError(
        401,
        "authentication_error",
        "The admin API needs the admin key: send 'Authorization: Bearer <admin_key>' or 'x-api-key: <admin_key>'.",
      );
    }
    const keys = this.#options.keys;
    if (
      keys !== undefined && (url.pathname === "/v0/keys" || url.pathname.startsWith("/v0/keys/"))
    ) {
      return await keys.handle(request, url);
    }
    const methods = this.#routes[url.pathname];
    if (methods === undefined) {
      return adminError(404, "not_found_error", `No admin endpoint at ${url.pathname}.`);
    }
    const head = request.method === "HEAD";
    const handler = methods[head ? "GET" : request.method];
    if (handler === undefined) {
      const allow = Object.keys(methods).join(", ");
      return adminError(
        405,
        "invalid_request_error",
        `Method ${request.method} is not allowed on ${url.pathname}; use ${allow}.`,
        { allow },
      );
    }
    const response = await handler(request, url);
    if (!head) return response;
    await response.body?.cancel();
    return new Response(null, { status: response.status, headers: response.headers });
  }

  /** Ends live streams and stops watching cooldowns; call when the server begins to stop. */
  close(): void {
    this.#watcher?.close();
    this.events.close();
  }

  #tracker(): CooldownTracker | undefined {
    const health = this.#options.health();
    return health instanceof CooldownTracker ? health : undefined;
  }

  #state(aliasLimits: unknown[]): Response {
    const options = this.#options;
    return adminJson({
      ...stateView({
        version: options.version,
        startedAt: options.startedAt,
        now: this.#clock(),
        inFlight: options.inFlight(),
        cooldowns: this.#tracker()?.snapshot(),
        stats: options.stats(),
      }),
      store: options.stateStore?.() ?? { store: "file", mode: "local" },
      alias_limits: aliasLimits,
    });
  }

  async #clearCooldowns(url: URL): Promise<Response> {
    const tracker = this.#tracker();
    if (tracker === undefined) {
      return adminError(
        404,
        "not_found_error",
        "This server keeps no cooldowns (it runs without a cooldown tracker).",
      );
    }
    const filter = {
      provider: url.searchParams.get("provider") || undefined,
      model: url.searchParams.get("model") || undefined,
    };
    const cleared = tracker.clear(filter);
    await this.#options.persistCooldowns?.();
    return adminJson({ cleared, cooldowns: cooldownsView(tracker.snapshot(), this.#clock()) });
  }

  async #logs(url: URL): Promise<Response> {
    let request;
    try {
      request = logsRequestOf(url.searchParams, this.#clock());
    } catch (error) {
      return adminError(
        400,
        "invalid_request_error",
        error instanceof Error ? error.message : String(error),
      );
    }
    const lines = await newestLogLines(this.#options.config.server.dataDir, request);
    return adminJson({ data: lines });
  }

  #subscribe(request: Request): Response {
    const subscription = this.events.subscribe(this.#options.queueLimit ?? DEFAULT_QUEUE_LIMIT);
    request.signal.addEventListener("abort", () => subscription.close(), { once: true });
    const body = eventStream(subscription, this.#options.keepAliveMs ?? KEEP_ALIVE_MS);
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      },
    });
  }
}

/** The part of the server's router the admin API registers on (the router lives above admin). */
export interface PatternRoutes {
  onPattern(
    method: string,
    pattern: RegExp,
    names: string[],
    handler: (request: Request, url: URL) => Response | Promise<Response>,
  ): unknown;
}

/** Hands every `/v0` request, whatever its method, to the admin API. */
export function registerAdminRoutes<R extends PatternRoutes>(router: R, admin: AdminApi): R {
  for (const method of ADMIN_METHODS) {
    router.onPattern(method, ADMIN_PATH, [], (request, url) => admin.handle(request, url));
  }
  return router;
}
