/** The HTTP server: wires the router to the gateway and owns start and shutdown. */
// Long file: start-up and shutdown wiring plus the route table (admin, health, models, keys,
// kept responses, the codecs' routes); splitting the route table out is the next step.
import { VERSION } from "../version.ts";
import { AdminApi, registerAdminRoutes } from "../admin/api.ts";
import { adminAccess } from "../admin/auth.ts";
import type { InboundCodec, Route } from "../codecs/codec.ts";
import {
  type ApiName,
  DEFAULT_DIALECT,
  INBOUND_API_NAMES,
  inboundCodec,
} from "../codecs/registry.ts";
import { GatewayError, invalidRequest } from "../codecs/unified.ts";
import type { Config } from "../config/types.ts";
import { handleGeneration } from "../gateway/dispatch.ts";
import { checkClientKey } from "../gateway/client_key.ts";
import type { Gateway } from "../gateway/gateway.ts";
import { handleEmbeddings } from "../gateway/embeddings.ts";
import type { EmbeddingsCodec } from "../codecs/embeddings.ts";
import { EMBEDDING_DIALECTS } from "../codecs/embeddings_registry.ts";
import { countTokens } from "../gateway/count_tokens.ts";
import { errorResponse, jsonResponse } from "../gateway/respond.ts";
import { ALWAYS_HEALTHY, type TargetHealth } from "../routing/health.ts";
import type { SelectionStats } from "../routing/selectors.ts";
import { CooldownTracker } from "../state/cooldowns.ts";
import { startTelemetry, type Telemetry } from "../telemetry/telemetry.ts";
import { NO_STORE } from "../state/store.ts";
import { healthDetail } from "../state/health_detail.ts";
import { openPersistedCooldowns, type PersistedCooldowns } from "../state/persisted_cooldowns.ts";
import { costOf, pricingOf } from "../usage/cost.ts";
import { Observability } from "../usage/observability.ts";
import type { UsageSink } from "../usage/record.ts";
import { fanOut } from "../usage/usage_log.ts";
import { presentedSecret } from "../auth/client_keys.ts";
import { defaultInstanceId, openTeamState, type StateStatus } from "./team_state.ts";
import { aliasLimitsView, KeysAdmin } from "../admin/keys.ts";
import { rememberSecrets } from "../auth/secrets.ts";
import { scrubbedSink } from "../usage/scrubbed_sink.ts";
import { listModels, retrieveModel } from "./models.ts";
import { type Handler, Router } from "./router.ts";
import { hostAllowedWithoutAuth } from "./host_check.ts";
import { type ClientConnection, type GuardedServer, serveGuarded } from "./connections.ts";
import { createUpstreamTransport } from "../upstream/transport.ts";
import { EventLoopTurns } from "../wire/event_loop_turns.ts";
import { keptResponse, RESPONSE_PATH } from "./kept_responses.ts";
import { MemoryResponsesStore } from "../state/responses_store.ts";
import { trustedProxiesOf } from "../edge/client_ip.ts";
import { withCors } from "../edge/cors.ts";
import { staleProviders } from "../reload/config_changes.ts";
import { forgetProviders, startReloading } from "../reload/live.ts";
import type { Reloader, ReloadSource } from "../reload/reloader.ts";

export { VERSION };

export interface ServerOptions {
  onListen?(addr: { hostname: string; port: number }): void;
  /** Default: cooldowns kept in `{data_dir}/state/cooldowns.json`, restored before listening. */
  health?: TargetHealth;
  /** Default: the usage log in `{data_dir}/logs/usage/`. Metrics and statistics see it too. */
  usage?: UsageSink;
  /** Names this instance in shared state and usage log files; `host-pid` by default. */
  instanceId?: string;
  /** Default: rolling statistics per target, fed by finished requests. */
  stats?: SelectionStats;
  /** The config file to re-read on SIGHUP, `/v0/config/reload` and `PUT /v0/config`. */
  reload?: ReloadSource;
  /** Where `OTEL_*` variables are read (default: the process environment). */
  env?: (name: string) => string | undefined;
  /** Replaces `fetch` for trace export (tests). */
  exportFetch?: typeof fetch;
}

export interface RunningServer {
  addr: { hostname: string; port: number };
  /**
   * Stops accepting, lets in-flight requests and streams finish for up to
   * `server.shutdownGraceMs`, then ends what is left with an error in its dialect, saves the
   * cooldowns and resolves.
   */
  shutdown(): Promise<void>;
  finished: Promise<void>;
  /** Present when started with `options.reload`. */
  reloader?: Reloader;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** After the grace period, how long aborted streams get to send their error frame. */
const ABORT_DRAIN_MS = 2000;

// Long function: the wiring of every long-lived part in start order; each line is one part.
export async function startServer(
  config: Config,
  options: ServerOptions = {},
): Promise<RunningServer> {
  // With Redis, cooldowns live there: instances sharing a data_dir must not share a file.
  const cooldowns: PersistedCooldowns | undefined = options.health === undefined
    ? await openPersistedCooldowns(
      config,
      config.state.store === "redis" ? { store: NO_STORE } : {},
    )
    : undefined;
  const stopping = new AbortController();
  const transport = createUpstreamTransport(`plexus/${VERSION}`);
  // Long-lived parts (logs, metrics, admin) read the current config through this object, which a
  // reload updates; each request keeps the config it started with (its gateway snapshot).
  const shared: Config = { ...config };
  const spans = startTelemetry(config.telemetry, VERSION, options.env, options.exportFetch);
  let started = false;
  const instanceId = options.instanceId ?? defaultInstanceId();
  const team = await openTeamState({
    config: shared,
    costOf: (record) =>
      costOf(record.usage, pricingOf(shared.providers, record.provider, record.model)).total,
    cooldowns: cooldowns?.tracker,
    instanceId,
    // A key created, changed or revoked (here or on another instance) counts from the next request.
    onKeys: (registry) => {
      if (started) gateway.keys = registry;
    },
  });
  const observability = new Observability(shared, {
    usage: options.usage,
    instance: config.state.store === "redis" ? instanceId : undefined,
    health: () => gateway.health,
    sinks: spans === undefined ? [] : [spans.exporter],
    extraMetrics: spans === undefined ? undefined : () => spans.exporter.render(),
    version: VERSION,
  });
  let gateway: Gateway = {
    config,
    keys: team.keys.registry,
    limiter: team.limiter,
    health: options.health ?? cooldowns?.tracker ?? ALWAYS_HEALTHY,
    usage: observability.sink,
    stats: options.stats ?? team.selectionStats(observability.stats),
    stopSignal: stopping.signal,
    upstream: transport.send,
    turns: new EventLoopTurns(),
    responses: new MemoryResponsesStore(),
  };

  const startedAt = Date.now();
  const admin = new AdminApi({
    config: shared,
    version: VERSION,
    startedAt,
    health: () => gateway.health,
    stats: () => observability.stats.snapshot(),
    inFlight: () => observability.metrics.inFlight,
    persistCooldowns: cooldowns?.flush,
    reloader: () => reloading?.reloader,
    keys: new KeysAdmin({ keys: team.keys, usage: team.usage }),
    stateStore: team.status,
    aliasLimits: () => aliasLimitsView(shared.models, team.usage, Date.now()),
  });
  rememberSecrets(config);
  gateway.usage = scrubbedSink(fanOut([observability.sink, admin.usageSink, team.sink]));
  started = true;
  const routerFor = (gw: Gateway) =>
    registerAdminRoutes(buildRouter(gw, observability, spans, team.status), admin);
  let router = routerFor(gateway);
  const reloading = options.reload === undefined ? undefined : startReloading(options.reload, {
    current: () => gateway.config,
    publish: (event, data) => admin.events.publish(event, data),
    apply(next, changes) {
      rememberSecrets(next);
      Object.assign(shared, next);
      gateway = { ...gateway, config: next, keys: team.keys.rebuild(next) };
      router = routerFor(gateway);
      forgetProviders(gateway.health, staleProviders(changes));
    },
  });

  let listening: (addr: { hostname: string; port: number }) => void = () => {};
  const listened = new Promise<{ hostname: string; port: number }>((r) => (listening = r));
  const server = serveGuarded({
    hostname: config.server.host,
    port: config.server.port,
    limits: config.limits,
    onListen(addr) {
      options.onListen?.(addr);
      listening(addr);
    },
    handler: (request, connection) => {
      const url = new URL(request.url);
      const clientRequestId = request.headers.get("x-request-id");
      const requestId = clientRequestId !== null && REQUEST_ID.test(clientRequestId)
        ? clientRequestId
        : crypto.randomUUID();
      const current = gateway.config;
      const context: RequestContext = {
        requestId,
        startedAt: Date.now(),
        clientIp: trustedProxiesOf(current.server.trustedProxies).clientIp(
          connection.remoteAddr.hostname,
          request.headers,
        ),
        serverStartedAt: startedAt,
        connection,
      };
      if (
        current.allowNoAuth &&
        !hostAllowedWithoutAuth(request.headers.get("host"), current.server.allowedHosts)
      ) {
        return foreignHost(request, url, requestId);
      }
      const routing = router;
      return withCors(current.server.cors, request, () => route(routing, request, url, context));
    },
  });
  let stopped: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    // Live admin streams never end on their own: close them so they do not hold the drain up.
    admin.close();
    reloading?.close();
    return stopped ??= drain(server, stopping, shared.server.shutdownGraceMs).then(() =>
      Promise.all([cooldowns?.flush(), team.close()])
    ).then(() => {
      transport.close();
      gateway.turns?.close();
    }).then(() => observability.close()).then(() => spans?.exporter.close());
  };
  const addr = await listened;
  return { addr, shutdown, finished: server.finished, reloader: reloading?.reloader };
}

/** Authentication is off and `Host` names a foreign site (DNS rebinding?): refused. */
function foreignHost(request: Request, url: URL, requestId: string): Response {
  return errorResponse(
    dialectOf(request, url),
    new GatewayError(
      "permission",
      "Authentication is off (--allow-no-auth), so only loopback Host names are served; " +
        "add this one to server.allowed_hosts to serve it.",
    ),
    { "x-request-id": requestId },
  );
}

/** Graceful stop: wait for in-flight work up to the grace period, then abort it. */
async function drain(
  server: GuardedServer,
  stopping: AbortController,
  graceMs: number,
): Promise<void> {
  const drained = server.shutdown();
  const wait = (ms: number) =>
    new Promise<"late">((resolve) => {
      const timer = setTimeout(() => resolve("late"), ms);
      drained.finally(() => clearTimeout(timer));
    });
  if (await Promise.race([drained, wait(graceMs)]) !== "late") return;
  stopping.abort();
  await Promise.race([drained, wait(ABORT_DRAIN_MS)]);
}

interface RequestContext {
  requestId: string;
  /** The handler put `x-request-id` on its response: no need to set it on a built response. */
  responseHasRequestId?: boolean;
  startedAt: number;
  clientIp?: string;
  serverStartedAt: number;
  connection: ClientConnection;
}

async function route(
  router: Router<RequestContext>,
  request: Request,
  url: URL,
  context: RequestContext,
): Promise<Response> {
  const match = router.match(request.method, url.pathname);
  let response: Response;
  if (match.kind === "found") {
    try {
      response = await match.handler(request, url, match.params, context);
      if (context.responseHasRequestId === true) return response;
    } catch (error) {
      console.error("plexus: unhandled error:", error instanceof Error ? error.message : error);
      response = errorResponse(
        dialectOf(request, url),
        new GatewayError("api_error", "Internal error in the gateway."),
      );
    }
  } else if (match.kind === "bad_path") {
    response = errorResponse(dialectOf(request, url), invalidRequest(match.message));
  } else if (match.kind === "method_not_allowed") {
    response = errorResponse(
      dialectOf(request, url),
      new GatewayError(
        "invalid_request",
        `Method ${request.method} is not allowed on ${url.pathname}.`,
        {
          status: 405,
        },
      ),
      { allow: match.allow.join(", ") },
    );
  } else {
    response = errorResponse(
      dialectOf(request, url),
      new GatewayError("not_found", `No route for ${request.method} ${url.pathname}.`),
    );
  }
  response.headers.set("x-request-id", context.requestId);
  return response;
}

/** The error dialect a caller most likely speaks: by its path, then its headers. */
export function dialectOf(request: Request, url: URL): InboundCodec {
  const inbound = INBOUND_API_NAMES.map(inboundCodec);
  const byPath = inbound.find((codec) => codec.recognise.paths?.test(url.pathname) === true);
  if (byPath !== undefined) return byPath;
  const byHeader = inbound.find((codec) =>
    codec.recognise.headers.some((name) => request.headers.has(name))
  );
  return byHeader ?? DEFAULT_DIALECT;
}

type RouteHandler = Handler<RequestContext>;

function addRoute(router: Router<RequestContext>, route: Route, handler: RouteHandler): void {
  if (typeof route.path === "string") router.on("POST", route.path, handler);
  else router.onPattern("POST", route.path, [...(route.params ?? [])], handler);
}

/** An embeddings API's routes (`src/codecs/embeddings.ts`). */
function addEmbeddingRoutes(
  router: Router<RequestContext>,
  codec: EmbeddingsCodec,
  served: Served,
): void {
  const { gateway, observability, telemetry } = served;
  for (const route of codec.routes) {
    addRoute(router, route, (request, url, params, context) => {
      context.responseHasRequestId = true;
      return observability.track(request, context, () =>
        handleEmbeddings({
          request,
          url,
          codec,
          inbound: route.context?.(params) ?? {},
          requestId: context.requestId,
          startedAt: context.startedAt,
          clientIp: context.clientIp,
          signal: request.signal,
          trace: telemetry?.traceFor(request.headers),
        }, gateway));
    });
  }
}

/** Every route a codec serves: generation, token counting, its own model-list paths. */
function addCodecRoutes(router: Router<RequestContext>, api: ApiName, served: Served): void {
  const { gateway, observability, telemetry } = served;
  const codec = inboundCodec(api);
  for (const route of codec.routes) {
    addRoute(router, route, (request, url, params, context) => {
      // Every answer of handleGeneration carries the id already.
      context.responseHasRequestId = true;
      return observability.track(request, context, (noteBody) =>
        handleGeneration({
          request,
          url,
          apiIn: api,
          inbound: route.context?.(url, params) ?? {},
          requestId: context.requestId,
          startedAt: context.startedAt,
          clientIp: context.clientIp,
          bodyReceived: (body) => {
            context.connection.bodyReceived();
            noteBody?.(body);
          },
          signal: request.signal,
          trace: telemetry?.traceFor(request.headers),
        }, gateway));
    });
  }
  if (codec.countTokens !== undefined) {
    addRoute(
      router,
      codec.countTokens.route,
      (request, url, params) => countTokens({ request, url, params, api }, gateway),
    );
  }
  for (const path of codec.models.listPaths) {
    router.on("GET", path, async (request, url) => {
      const denied = await clientDenied(gateway, request, url, codec);
      if (denied !== undefined) return denied;
      const scope = await scopeOf(gateway, request, url, codec);
      return jsonResponse(listModels(gateway.config, codec.models, scope));
    });
  }
}

/** What the routes serve requests with. */
interface Served {
  gateway: Gateway;
  observability: Observability;
  telemetry: Telemetry | undefined;
}

function buildRouter(
  gateway: Gateway,
  observability: Observability,
  telemetry: Telemetry | undefined,
  stateStore: () => StateStatus,
): Router<RequestContext> {
  const router = new Router<RequestContext>()
    .on("GET", "/metrics", (request) => observability.metricsResponse(request))
    .on("GET", "/health", (request, url, _params, context) => {
      const basic = {
        status: "ok",
        version: VERSION,
        uptime_s: Math.floor((Date.now() - context.serverStartedAt) / 1000),
      };
      if (url.searchParams.get("detail") !== "true") return jsonResponse(basic);
      const denied = adminDenied(gateway.config.adminKey, request.headers);
      if (denied !== undefined) return denied;
      const health = gateway.health;
      const state = health instanceof CooldownTracker
        ? health.snapshot()
        : { providers: {}, targets: {} };
      return jsonResponse({
        ...basic,
        config_hash: gateway.config.sourceHash ?? null,
        ...healthDetail(gateway.config, state, Date.now()),
        state: stateStore(),
      });
    })
    .on("GET", "/v1/models", async (request, url) => {
      const dialect = dialectOf(request, url);
      const denied = await clientDenied(gateway, request, url, dialect);
      if (denied !== undefined) return denied;
      return jsonResponse(
        listModels(gateway.config, dialect.models, await scopeOf(gateway, request, url, dialect)),
      );
    });
  router
    .onPattern(
      "GET",
      RESPONSE_PATH,
      ["id"],
      (request, url, params) => keptResponse(request, url, params.id, gateway, "GET"),
    )
    .onPattern(
      "DELETE",
      RESPONSE_PATH,
      ["id"],
      (request, url, params) => keptResponse(request, url, params.id, gateway, "DELETE"),
    );
  for (const api of INBOUND_API_NAMES) {
    addCodecRoutes(router, api, { gateway, observability, telemetry });
  }
  for (const codec of EMBEDDING_DIALECTS) {
    addEmbeddingRoutes(router, codec, { gateway, observability, telemetry });
  }
  // After the codecs' patterns: Gemini's also start with /v1/models/.
  return router.onPattern("GET", /^\/v1\/models\/(.+)$/, ["id"], async (request, url, params) => {
    const dialect = dialectOf(request, url);
    const denied = await clientDenied(gateway, request, url, dialect);
    if (denied !== undefined) return denied;
    const scope = await scopeOf(gateway, request, url, dialect);
    const model = retrieveModel(gateway.config, params.id, dialect.models, scope);
    if (model !== undefined) return jsonResponse(model);
    return errorResponse(
      dialect,
      new GatewayError("not_found", `The model '${params.id}' does not exist.`, {
        param: "model",
        code: "model_not_found",
      }),
    );
  });
}

/** A client key is needed for every /v1 endpoint; undefined when the caller has one. */
async function clientDenied(
  gateway: Gateway,
  request: Request,
  url: URL,
  dialect: InboundCodec,
): Promise<Response | undefined> {
  const check = await checkClientKey(gateway, request, url, dialect);
  return check.ok ? undefined : errorResponse(dialect, check.error);
}

/** The models the caller's key may use (all without a scope, or without authentication). */
async function scopeOf(
  gateway: Gateway,
  request: Request,
  url: URL,
  dialect: InboundCodec,
): Promise<((model: string) => boolean) | undefined> {
  if (gateway.keys.get === undefined) return undefined;
  const secret = presentedSecret(request.headers, url, dialect.recognise.keyPlaces);
  const name = await gateway.keys.identify(secret);
  return name === undefined ? undefined : gateway.keys.get(name)?.scope;
}

/** Admin-only views need `Authorization: Bearer <admin_key>` or `x-api-key: <admin_key>`. */
function adminDenied(adminKey: string | undefined, headers: Headers): Response | undefined {
  if (adminKey === undefined) {
    return jsonResponse({
      error: { message: "Detailed health is disabled: no admin_key is configured." },
    }, 404);
  }
  if (adminAccess(adminKey, headers) === "granted") return undefined;
  return jsonResponse({
    error: { message: "Detailed health needs the admin key (Authorization: Bearer <admin_key>)." },
  }, 401);
}
