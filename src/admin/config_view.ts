/**
 * The body of `GET /v0/config`: the effective configuration in the YAML's snake_case, with every
 * secret replaced by `"[redacted]"` (docs/admin.md, "GET /v0/config"). Secrets are removed twice:
 * by field (provider `api_key`, every provider header value, client key secrets, the admin key)
 * and by value, so a secret pasted into a URL or a message cannot slip through either.
 */
import type {
  AliasConfig,
  Config,
  ModelConfig,
  Pricing,
  ProviderConfig,
  Timeouts,
} from "../config/types.ts";
import type { CloudConfig } from "../config/clouds.ts";
import { configuredSecrets, REDACTED } from "../usage/redact.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `null` for absent values, so every field is always present. */
function orNull<T extends Json>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

function secretView(secret: string | undefined): string | null {
  return secret === undefined ? null : REDACTED;
}

function pricingView(pricing: Pricing | undefined): Json {
  if (pricing === undefined) return null;
  return {
    input: orNull(pricing.input),
    output: orNull(pricing.output),
    cache_read: orNull(pricing.cacheRead),
    cache_write: orNull(pricing.cacheWrite),
    reasoning: orNull(pricing.reasoning),
  };
}

function timeoutsView(timeouts: Timeouts): Json {
  return {
    connect_ms: orNull(timeouts.connectMs),
    first_byte_ms: orNull(timeouts.firstByteMs),
    idle_ms: orNull(timeouts.idleMs),
    total_ms: orNull(timeouts.totalMs),
  };
}

function modelsView(models: Record<string, ModelConfig>): Json {
  return Object.fromEntries(
    Object.entries(models).map(([name, model]) => [name, { pricing: pricingView(model.pricing) }]),
  );
}

/**
 * A base URL may carry a credential Plexus does not know as one (`?key=...`, `user:pass@`): its
 * password and query values are hidden; the rest is left as configured.
 */
export function baseUrlView(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  if (url.password === "" && url.search === "") return text;
  const user = url.username === "" ? "" : `${url.username}${url.password === "" ? "" : ":"}`;
  const auth = url.password === "" ? (user === "" ? "" : `${user}@`) : `${user}${REDACTED}@`;
  const names = [...new Set(url.searchParams.keys())];
  const query = names.map((name) => `${encodeURIComponent(name)}=${REDACTED}`).join("&");
  const path = url.pathname === "/" && !text.includes("/", url.protocol.length + 2)
    ? ""
    : url.pathname;
  return `${url.protocol}//${auth}${url.host}${path}${query === "" ? "" : `?${query}`}`;
}

function providerView(provider: ProviderConfig): Json {
  return {
    api: provider.api,
    base_url: baseUrlView(provider.baseUrl),
    api_key: secretView(provider.apiKey),
    headers: Object.fromEntries(Object.keys(provider.headers).map((name) => [name, REDACTED])),
    enabled: provider.enabled,
    disabled_reason: orNull(provider.disabledReason),
    timeouts: timeoutsView(provider.timeouts),
    default_max_tokens: provider.defaultMaxTokens,
    models: modelsView(provider.models),
    ...cloudView(provider.cloud),
    // Bedrock: the region is shown; the key id, secret and session token are not.
    ...(provider.aws === undefined ? {} : {
      aws: {
        region: provider.aws.region,
        access_key_id: REDACTED,
        secret_access_key: REDACTED,
        session_token: secretView(provider.aws.sessionToken),
      },
    }),
  };
}

/** The cloud section without its credentials: only which kind of credential is in use. */
function cloudView(cloud: CloudConfig | undefined): Record<string, Json> {
  if (cloud === undefined) return {};
  if (cloud.kind === "azure") {
    const app = cloud.clientCredentials;
    return {
      azure: {
        api_version: orNull(cloud.apiVersion),
        bearer_token: secretView(cloud.bearerToken),
        tenant_id: orNull(app?.tenantId),
        client_id: orNull(app?.clientId),
        client_secret: secretView(app?.clientSecret),
        authority_host: orNull(app?.authorityHost),
      },
    };
  }
  const auth = cloud.auth;
  const credentials: Json = auth.kind === "service_account"
    ? { type: "service_account", client_email: auth.key.clientEmail, token_uri: auth.key.tokenUri }
    : auth.kind === "authorized_user"
    ? { type: "authorized_user", client_id: auth.user.clientId, token_uri: auth.user.tokenUri }
    : null;
  return {
    vertex: {
      project: cloud.project,
      location: cloud.location,
      credentials,
      access_token: auth.kind === "access_token" ? REDACTED : null,
    },
  };
}

function aliasView(alias: AliasConfig): Json {
  return {
    selector: alias.selector,
    max_attempts: orNull(alias.maxAttempts),
    targets: alias.targets.map((target) => ({
      provider: target.provider,
      model: target.model,
      weight: target.weight,
      enabled: target.enabled,
    })),
  };
}

/** Replaces every occurrence of a configured secret inside any string. */
function scrub(value: Json, secrets: readonly string[]): Json {
  if (typeof value === "string") {
    return secrets.reduce((text, secret) => text.split(secret).join(REDACTED), value);
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, scrub(item, secrets)]),
    );
  }
  return value;
}

export function configView(config: Config): Json {
  const view: Json = {
    path: config.path,
    server: {
      host: config.server.host,
      port: config.server.port,
      data_dir: config.server.dataDir,
      max_body_bytes: config.server.maxBodyBytes,
      shutdown_grace_ms: config.server.shutdownGraceMs,
    },
    admin_key: secretView(config.adminKey),
    keys: config.keys.map((key) => ({ name: key.name, secret: REDACTED })),
    allow_no_auth: config.allowNoAuth,
    providers: Object.fromEntries(
      Object.values(config.providers).map((provider) => [provider.name, providerView(provider)]),
    ),
    models: Object.fromEntries(
      Object.values(config.models).map((alias) => [alias.name, aliasView(alias)]),
    ),
    cooldown: { base_ms: config.cooldown.baseMs, max_ms: config.cooldown.maxMs },
    retry_on_connection_reset: config.retryOnConnectionReset,
    logging: { bodies: config.logging.bodies },
    metrics: { public: config.metrics.public },
    warnings: config.warnings,
  };
  return scrub(view, configuredSecrets(config));
}
