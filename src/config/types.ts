/**
 * The configuration as the rest of Plexus sees it: validated, defaults applied, environment
 * variables expanded, paths absolute. `load.ts` turns `plexus.yaml` into this.
 */
import type { ApiName } from "../codecs/registry.ts";
import type { AwsSettings } from "../codecs/codec.ts";
import type { ServerEdge } from "./server_edge.ts";
import type { CloudConfig } from "./clouds.ts";
import type { Limits } from "./limits.ts";

/** USD per 1M tokens. A missing price means "not priced" (cost is then null, not 0). */
export interface Pricing {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Reasoning tokens; billed at `output` when absent. */
  reasoning?: number;
}

/** What a model does: generate (chat, messages, responses, Gemini generate) or embed. */
export type ModelKind = "generation" | "embedding";

export interface ModelConfig {
  pricing?: Pricing;
  /** Absent means `generation`. */
  kind?: ModelKind;
}

/** Milliseconds; `undefined` means no limit. */
export interface Timeouts {
  connectMs?: number;
  firstByteMs?: number;
  idleMs?: number;
  totalMs?: number;
}

export interface ProviderConfig {
  name: string;
  api: ApiName;
  /** No trailing slash. */
  baseUrl: string;
  apiKey?: string;
  /** Bedrock: region and credentials for SigV4 (absent with a Bedrock API key). */
  aws?: AwsSettings;
  headers: Record<string, string>;
  models: Record<string, ModelConfig>;
  /** False when its `api_key` names an unset environment variable. */
  enabled: boolean;
  disabledReason?: string;
  timeouts: Timeouts;
  /** Sent as `max_tokens` to APIs that require one when the client gave none. */
  defaultMaxTokens: number;
  /** Azure OpenAI or Vertex AI: the cloud's URLs, auth and body rules around `api`. */
  cloud?: CloudConfig;
}

export type SelectorName = "random" | "weighted" | "in_order" | "lowest_latency" | "lowest_cost";

export interface AliasTarget {
  provider: string;
  model: string;
  weight: number;
  /** False when its provider is disabled. */
  enabled: boolean;
}

export interface AliasConfig {
  name: string;
  selector: SelectorName;
  targets: AliasTarget[];
  /** How many targets one request may try; all of them when absent. */
  maxAttempts?: number;
  /** Counted over every key together (docs/teams.md). */
  limits?: RateLimits;
  /** Extra names and glob patterns that route to this alias (`src/routing/model_names.ts`). */
  match?: string[];
}

export interface ClientKey {
  name: string;
  secret: string;
  /** Aliases this key may use (`*` globs); all when absent. */
  models?: string[];
  limits?: RateLimits;
}

/** OpenTelemetry trace export (`src/telemetry/settings.ts` applies defaults and `OTEL_*`). */
export interface TelemetryConfig {
  enabled?: boolean;
  otlpEndpoint?: string;
  headers?: Record<string, string>;
  protocol?: "http/protobuf" | "http/json";
  sampleRatio?: number;
  serviceName?: string;
  maxQueueSpans?: number;
  exportTimeoutMs?: number;
}

export interface CooldownConfig {
  baseMs: number;
  maxMs: number;
}

export interface Config {
  /** Absolute path of the file it came from. */
  path: string;
  /** SHA-256 (hex) of the file's bytes, when it was read from a file. */
  sourceHash?: string;
  server: {
    host: string;
    port: number;
    /** Absolute. */
    dataDir: string;
    maxBodyBytes: number;
    shutdownGraceMs: number;
    /** `Host` names (lower case, no port) served with `--allow-no-auth` besides loopback ones. */
    allowedHosts: string[];
  } & ServerEdge;
  adminKey?: string;
  keys: ClientKey[];
  /** `--allow-no-auth`: every client is let in. */
  allowNoAuth: boolean;
  /** Where shared state lives: this machine's files, or Redis shared by several instances. */
  state: StateConfig;
  providers: Record<string, ProviderConfig>;
  models: Record<string, AliasConfig>;
  cooldown: CooldownConfig;
  /** Retry the same target once when the connection was reset before an answer. */
  retryOnConnectionReset: boolean;
  logging: { bodies: boolean };
  metrics: { public: boolean };
  /** `telemetry:` as written; the `OTEL_*` variables are read when the server starts. */
  telemetry?: TelemetryConfig;
  /** Hosted tools a translated request's target cannot run: left out (default) or refused. */
  unsupportedTools?: "drop" | "reject";
  limits: Limits;
  /** Things worth telling the user that do not stop the server (disabled providers...). */
  warnings: string[];
}

export type BudgetPeriod = "day" | "week" | "month" | "total";

export interface Budget {
  usd: number;
  period: BudgetPeriod;
}

/** A key's or an alias's limits (docs/teams.md); each absent one is not limited. */
export interface RateLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  maxConcurrent?: number;
  budget?: Budget;
}

/** Where shared state lives: this machine's files, or Redis shared by several instances. */
export type StateConfig =
  | { store: "file" }
  | { store: "redis"; url: string; prefix: string; timeoutMs: number };
