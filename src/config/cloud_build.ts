/**
 * Checks and building for the `azure:` and `vertex:` provider sections (docs/providers.md).
 * Checks run on the validated file and report every problem with its key path; building turns a
 * section into the `CloudConfig` the upstream code reads, and the cloud's default base URL.
 */
import { dirname, resolve } from "node:path";
import type { KeyPath } from "./errors.ts";
import type { IssueProblem } from "./issues.ts";
import type { ConfigFile, ProviderFile } from "./schema.ts";
import { readGoogleCredentials } from "./service_account.ts";
import type { CloudConfig, VertexAuth } from "./clouds.ts";

/** Variables a value needed that are unset, or undefined when it is complete. */
export type UnsetLookup = (path: KeyPath) => string[] | undefined;

/** Cloud secrets whose unset variable disables the provider, like an unset `api_key`. */
export function isCloudSecretPath(path: KeyPath): boolean {
  return path.length === 4 && path[0] === "providers" &&
    ((path[2] === "azure" && (path[3] === "bearer_token" || path[3] === "client_secret")) ||
      (path[2] === "vertex" && (path[3] === "credentials" || path[3] === "access_token")));
}

export function cloudProblems(
  file: ConfigFile,
  isUnset: UnsetLookup,
  configPath: string,
): IssueProblem[] {
  const problems: IssueProblem[] = [];
  for (const [name, provider] of Object.entries(file.providers ?? {})) {
    problems.push(...providerProblems(name, provider, isUnset, dirname(resolve(configPath))));
  }
  return problems;
}

function providerProblems(
  name: string,
  provider: ProviderFile,
  isUnset: UnsetLookup,
  configDir: string,
): IssueProblem[] {
  const at = (...rest: string[]): KeyPath => ["providers", name, ...rest];
  const problem = (path: KeyPath, message: string): IssueProblem => ({
    path,
    at: "value",
    message,
  });
  const { azure, vertex } = provider;
  if (azure === undefined && vertex === undefined) {
    // Bedrock's endpoint comes from its region when base_url is absent (aws.ts).
    return provider.base_url === undefined && provider.api !== "bedrock"
      ? [problem(at(), "expected base_url (or an azure: or vertex: section), found nothing")]
      : [];
  }
  if (azure !== undefined && vertex !== undefined) {
    return [problem(at("vertex"), "a provider is on one cloud: give azure: or vertex:, not both")];
  }
  if (azure !== undefined) {
    const problems: IssueProblem[] = [];
    if (provider.api !== "chat" && provider.api !== "responses") {
      problems.push(problem(
        at("api"),
        `Azure OpenAI serves api: chat or api: responses, found api: ${provider.api}`,
      ));
    }
    problems.push(...azureAuthProblems(provider, at));
    return problems;
  }
  const problems: IssueProblem[] = [];
  if (provider.api !== "gemini" && provider.api !== "messages") {
    problems.push(problem(
      at("api"),
      `Vertex AI serves api: gemini (Gemini) or api: messages (Claude), found api: ${provider.api}`,
    ));
  }
  if (provider.api_key !== undefined) {
    problems.push(problem(
      at("api_key"),
      "Vertex AI takes no api_key: use vertex.credentials or vertex.access_token",
    ));
  }
  const { credentials, access_token: accessToken } = vertex!;
  if ((credentials === undefined) === (accessToken === undefined)) {
    problems.push(problem(
      at("vertex"),
      "expected exactly one of credentials (a service-account key or user credentials, e.g. " +
        "credentials: ${GOOGLE_APPLICATION_CREDENTIALS}) and access_token",
    ));
  } else if (credentials !== undefined && isUnset(at("vertex", "credentials")) === undefined) {
    const read = readGoogleCredentials(credentials, configDir);
    if (!read.ok) problems.push(problem(at("vertex", "credentials"), read.message));
  }
  return problems;
}

/**
 * The resource's root URL. Azure's docs give the v1 base URL as `{endpoint}/openai/v1/`, and
 * users paste that: the API path is Plexus's to add, so it is taken off.
 */
function azureEndpointBase(endpoint: string): string {
  return endpoint.replace(/\/+$/, "").replace(/\/openai(\/v1)?$/, "");
}

const ENTRA_FIELDS = ["tenant_id", "client_id", "client_secret"] as const;

/** Exactly one way to authenticate: a key, a static Entra token, or an Entra application. */
function azureAuthProblems(
  provider: ProviderFile,
  at: (...rest: string[]) => KeyPath,
): IssueProblem[] {
  const azure = provider.azure!;
  const entraGiven = ENTRA_FIELDS.filter((field) => azure[field] !== undefined);
  const ways = [
    provider.api_key !== undefined ? "api_key" : undefined,
    azure.bearer_token !== undefined ? "azure.bearer_token" : undefined,
    entraGiven.length > 0 ? "azure.tenant_id/client_id/client_secret" : undefined,
  ].filter((way) => way !== undefined);
  const problem = (path: KeyPath, message: string): IssueProblem => ({
    path,
    at: "value",
    message,
  });
  if (ways.length === 0) {
    return [problem(
      at("azure"),
      "expected api_key (sent as the api-key header), azure.bearer_token or an Entra application " +
        "(azure.tenant_id, client_id, client_secret), found none",
    )];
  }
  if (ways.length > 1) {
    return [problem(at("azure"), `give one way to authenticate, found ${ways.join(" and ")}`)];
  }
  if (entraGiven.length > 0 && entraGiven.length < ENTRA_FIELDS.length) {
    const missing = ENTRA_FIELDS.filter((field) => azure[field] === undefined);
    return [problem(at("azure"), `an Entra application also needs ${missing.join(", ")}`)];
  }
  return [];
}

export interface BuiltCloud {
  cloud?: CloudConfig;
  /** No trailing slash. */
  baseUrl: string;
  /** The unset variables of a cloud secret: the provider is disabled. */
  unsetSecret?: { key: string; variables: string[] };
}

/**
 * The provider's cloud and base URL. `base_url`, when given, replaces the cloud's scheme and host
 * and keeps its paths (private endpoints, proxies, tests).
 */
export function buildCloud(
  name: string,
  provider: ProviderFile,
  isUnset: UnsetLookup,
  configPath: string,
): BuiltCloud {
  const configured = provider.base_url?.replace(/\/+$/, "");
  const at = (...rest: string[]): KeyPath => ["providers", name, ...rest];
  if (provider.azure !== undefined) {
    const azure = provider.azure;
    const secretKey = azure.bearer_token !== undefined ? "bearer_token" : "client_secret";
    const unset = isUnset(at("azure", secretKey));
    const { tenant_id: tenantId, client_id: clientId, client_secret: clientSecret } = azure;
    const clientCredentials = tenantId && clientId && clientSecret && !unset
      ? {
        tenantId,
        clientId,
        clientSecret,
        authorityHost: (azure.authority_host ?? "https://login.microsoftonline.com")
          .replace(/\/+$/, ""),
      }
      : undefined;
    return {
      cloud: {
        kind: "azure",
        ...(azure.api_version === undefined ? {} : { apiVersion: azure.api_version }),
        ...(azure.bearer_token === undefined || unset ? {} : { bearerToken: azure.bearer_token }),
        ...(clientCredentials === undefined ? {} : { clientCredentials }),
      },
      baseUrl: configured ?? azureEndpointBase(azure.endpoint),
      ...(unset ? { unsetSecret: { key: `azure.${secretKey}`, variables: unset } } : {}),
    };
  }
  if (provider.vertex !== undefined) {
    const { project, location, credentials, access_token: token } = provider.vertex;
    const key = credentials === undefined ? "access_token" : "credentials";
    const unset = isUnset(at("vertex", key));
    let auth: VertexAuth = { kind: "access_token", token: unset ? "" : token ?? "" };
    if (credentials !== undefined && !unset) {
      const read = readGoogleCredentials(credentials, dirname(resolve(configPath)));
      // cloudProblems reported an unreadable key before the config was built.
      if (read.ok) auth = read.auth;
    }
    const host = location === "global"
      ? "https://aiplatform.googleapis.com"
      : `https://${location}-aiplatform.googleapis.com`;
    return {
      cloud: { kind: "vertex", project, location, auth },
      baseUrl: configured ?? host,
      ...(unset ? { unsetSecret: { key: `vertex.${key}`, variables: unset } } : {}),
    };
  }
  return { baseUrl: configured ?? "" };
}
