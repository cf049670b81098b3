/**
 * From the validated file to the `Config` the rest of Plexus reads: defaults applied, names
 * camelCased, paths absolute, providers with unset keys disabled, and warnings collected.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { buildCloud, isCloudSecretPath } from "./cloud_build.ts";
import {
  adminKeyWarnings,
  buildRateLimits,
  buildStateConfig,
  unpricedBudgetWarnings,
} from "./build_teams.ts";
import type { KeyPath } from "./errors.ts";
import { buildServerEdge } from "./server_edge.ts";
import type { IssueProblem } from "./issues.ts";
import { buildLimits } from "./limits.ts";
import type { ConfigFile, PricingFile, ProviderFile, TimeoutsFile } from "./schema.ts";
import type { UnsetReference } from "./source.ts";
import { type AwsFile, bedrockAuth } from "./aws.ts";
import type { Env } from "./env.ts";
import type {
  AliasConfig,
  ClientKey,
  Config,
  ModelConfig,
  Pricing,
  ProviderConfig,
  Timeouts,
} from "./types.ts";
import { buildTelemetry } from "./telemetry_schema.ts";

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 4000,
  dataDir: "./data",
  maxBodyBytes: 33_554_432,
  shutdownGraceMs: 30_000,
  firstByteMs: 120_000,
  idleMs: 120_000,
  defaultMaxTokens: 4096,
  cooldownBaseMs: 30_000,
  cooldownMaxMs: 600_000,
  selector: "random",
  weight: 1,
} as const;

/** Where an unset variable is tolerated: the value is then treated as absent (with a warning). */
function isOptionalSecret(path: KeyPath): boolean {
  return (path.length === 1 && path[0] === "admin_key") ||
    (path.length === 3 && path[0] === "providers" && path[2] === "api_key") ||
    (path.length === 3 && path[0] === "keys" && path[2] === "secret") ||
    // Unset AWS values fall back to the standard AWS_* variables (aws.ts).
    (path.length === 4 && path[0] === "providers" && path[2] === "aws") ||
    isCloudSecretPath(path);
}

/** Unset variables anywhere else are errors: the value would silently be wrong. */
export function unsetProblems(unset: readonly UnsetReference[]): IssueProblem[] {
  return unset.filter((reference) => !isOptionalSecret(reference.path)).map((reference) => ({
    path: reference.path,
    at: "value",
    message:
      `expected environment variable${reference.variables.length > 1 ? "s" : ""} ${
        reference.variables.join(", ")
      } to be set, found ${reference.variables.length > 1 ? "them" : "it"} unset or empty ` +
      "(give a default with ${VAR:-default})",
  }));
}

export function unsetAt(unset: readonly UnsetReference[], path: KeyPath): string[] | undefined {
  return unset.find((reference) =>
    reference.path.length === path.length &&
    reference.path.every((segment, index) => segment === path[index])
  )?.variables;
}

export function buildConfig(
  file: ConfigFile,
  unset: readonly UnsetReference[],
  configPath: string,
  env: Env = {},
): Config {
  const warnings: string[] = [];
  const absolutePath = resolve(configPath);
  const server = file.server ?? {};
  const dataDir = server.data_dir ?? DEFAULTS.dataDir;

  const adminUnset = unsetAt(unset, ["admin_key"]);
  if (file.admin_key === undefined || adminUnset) {
    const why = adminUnset ? `${adminUnset.join(", ")} is not set` : "admin_key is not configured";
    warnings.push(`${why}: the admin API (/v0/*) and detailed health are disabled`);
  }

  // Null prototypes: these maps are looked up by names clients send.
  const providers: Record<string, ProviderConfig> = Object.create(null);
  for (const [name, provider] of Object.entries(file.providers ?? {})) {
    providers[name] = buildProvider(
      name,
      provider,
      file.timeouts ?? {},
      unset,
      warnings,
      configPath,
      env,
    );
  }

  const models: Record<string, AliasConfig> = Object.create(null);
  for (const [name, alias] of Object.entries(file.models ?? {})) {
    models[name] = buildAlias(name, alias, providers, warnings);
  }

  const keys = buildKeys(file.keys ?? [], unset, warnings);
  const adminKey = adminUnset ? undefined : file.admin_key;
  warnings.push(
    ...unpricedBudgetWarnings(keys, models, providers),
    ...adminKeyWarnings(adminKey, keys),
  );
  return {
    path: absolutePath,
    server: {
      host: server.host ?? DEFAULTS.host,
      port: server.port ?? DEFAULTS.port,
      // Relative to the config file, so the server finds its data wherever it is started from.
      dataDir: isAbsolute(dataDir) ? dataDir : resolve(dirname(absolutePath), dataDir),
      maxBodyBytes: server.max_body_bytes ?? DEFAULTS.maxBodyBytes,
      shutdownGraceMs: server.shutdown_grace_ms ?? DEFAULTS.shutdownGraceMs,
      ...buildServerEdge(server),
      allowedHosts: (server.allowed_hosts ?? []).map((host) => host.toLowerCase()),
    },
    adminKey,
    keys,
    allowNoAuth: false,
    state: buildStateConfig(file.state),
    providers,
    models,
    cooldown: {
      baseMs: file.cooldown?.base_ms ?? DEFAULTS.cooldownBaseMs,
      maxMs: file.cooldown?.max_ms ?? DEFAULTS.cooldownMaxMs,
    },
    retryOnConnectionReset: file.retry_on_connection_reset ?? true,
    unsupportedTools: file.unsupported_tools ?? "drop",
    logging: { bodies: file.logging?.bodies ?? false },
    metrics: { public: file.metrics?.public ?? false },
    telemetry: buildTelemetry(file.telemetry),
    limits: buildLimits(file.limits),
    warnings,
  };
}

function buildProvider(
  name: string,
  provider: ProviderFile,
  globalTimeouts: TimeoutsFile,
  unset: readonly UnsetReference[],
  warnings: string[],
  configPath: string,
  env: Env,
): ProviderConfig {
  const built = buildCloud(name, provider, (path) => unsetAt(unset, path), configPath);
  const keyUnset = unsetAt(unset, ["providers", name, "api_key"]);
  const secretUnset = keyUnset ? { key: "api_key", variables: keyUnset } : built.unsetSecret;
  let enabled = provider.enabled ?? true;
  let disabledReason: string | undefined = enabled ? undefined : "disabled in the config file";
  // Bedrock without its api_key falls back to AWS credentials (aws.ts), so it is not disabled.
  if (enabled && secretUnset && !(provider.api === "bedrock" && secretUnset.key === "api_key")) {
    const { key, variables } = secretUnset;
    enabled = false;
    disabledReason = `${key}: ${variables.join(", ")} is not set`;
    warnings.push(
      `provider ${name} is disabled: its ${key} needs ${variables.join(", ")}, which is not set`,
    );
  }
  const apiKey = keyUnset ? undefined : provider.api_key;
  const bedrock = provider.api === "bedrock"
    ? bedrockAuth(setAwsValues(name, provider.aws ?? {}, unset), apiKey, provider.base_url, env)
    : undefined;
  if (enabled && bedrock?.problem !== undefined) {
    enabled = false;
    disabledReason = bedrock.problem;
    warnings.push(`provider ${name} is disabled: it ${bedrock.problem}`);
  }
  const models: Record<string, ModelConfig> = Object.create(null);
  for (const [model, settings] of Object.entries(provider.models ?? {})) {
    models[model] = settings?.pricing ? { pricing: buildPricing(settings.pricing) } : {};
    if (settings?.kind === "embedding") models[model].kind = "embedding";
  }
  return {
    name,
    api: provider.api,
    baseUrl: bedrock?.baseUrl?.replace(/\/+$/, "") ?? built.baseUrl,
    apiKey: bedrock === undefined ? apiKey : bedrock.apiKey,
    ...(bedrock?.aws === undefined ? {} : { aws: bedrock.aws }),
    headers: provider.headers ?? {},
    models,
    enabled,
    ...(disabledReason === undefined ? {} : { disabledReason }),
    timeouts: buildTimeouts({ ...globalTimeouts, ...withoutUndefined(provider.timeouts ?? {}) }),
    defaultMaxTokens: provider.default_max_tokens ?? DEFAULTS.defaultMaxTokens,
    ...(built.cloud === undefined ? {} : { cloud: built.cloud }),
  };
}

/** The `aws` values whose `${VAR}` was set; the others count as absent. */
function setAwsValues(name: string, aws: AwsFile, unset: readonly UnsetReference[]): AwsFile {
  return Object.fromEntries(
    Object.entries(aws).filter(([key]) => !unsetAt(unset, ["providers", name, "aws", key])),
  );
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function buildTimeouts(timeouts: TimeoutsFile): Timeouts {
  return withoutUndefined({
    connectMs: timeouts.connect_ms,
    firstByteMs: timeouts.first_byte_ms ?? DEFAULTS.firstByteMs,
    idleMs: timeouts.idle_ms ?? DEFAULTS.idleMs,
    totalMs: timeouts.total_ms,
  });
}

function buildPricing(pricing: PricingFile): Pricing {
  return withoutUndefined({
    input: pricing.input,
    output: pricing.output,
    cacheRead: pricing.cache_read,
    cacheWrite: pricing.cache_write,
    reasoning: pricing.reasoning,
  });
}

function buildAlias(
  name: string,
  alias: NonNullable<ConfigFile["models"]>[string],
  providers: Record<string, ProviderConfig>,
  warnings: string[],
): AliasConfig {
  const targets = alias.targets.map((target) => ({
    provider: target.provider,
    model: target.model,
    weight: target.weight ?? DEFAULTS.weight,
    enabled: (target.enabled ?? true) && (providers[target.provider]?.enabled ?? false),
  }));
  if (!targets.some((target) => target.enabled)) {
    const disabled = [...new Set(targets.map((target) => target.provider))].join(", ");
    warnings.push(
      `alias ${name} has no enabled target (providers: ${disabled}); requests for it will fail`,
    );
  }
  return {
    name,
    selector: alias.selector ?? DEFAULTS.selector,
    targets,
    ...(alias.max_attempts === undefined ? {} : { maxAttempts: alias.max_attempts }),
    ...(alias.limits === undefined ? {} : { limits: buildRateLimits(alias.limits) }),
    ...(alias.match === undefined ? {} : { match: alias.match }),
  };
}

function buildKeys(
  keys: NonNullable<ConfigFile["keys"]>,
  unset: readonly UnsetReference[],
  warnings: string[],
): ClientKey[] {
  return keys.flatMap((key, index) => {
    const missing = unsetAt(unset, ["keys", index, "secret"]);
    if (!missing) {
      const limits = buildRateLimits(key.limits);
      return [{
        name: key.name,
        secret: key.secret,
        ...(key.models === undefined ? {} : { models: key.models }),
        ...(limits === undefined ? {} : { limits }),
      }];
    }
    warnings.push(
      `client key ${key.name} is skipped: its secret needs ${missing.join(", ")}, which is not set`,
    );
    return [];
  });
}
