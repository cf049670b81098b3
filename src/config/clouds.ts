/**
 * The `azure:` and `vertex:` sections of a provider (docs/providers.md): a cloud is not a wire
 * API of its own but a different URL, auth and body tweak around an existing one, so these
 * sections sit beside `api:` and the codec stays the same.
 */
import { z } from "zod";

const httpsOrHttpUrl = z.url({
  protocol: /^https?$/,
  error: "expected an http:// or https:// URL",
});

/**
 * Azure OpenAI. With `api_version` the deployment-style URL
 * (`{endpoint}/openai/deployments/{model}/chat/completions?api-version=...`), without it the v1 URL
 * (`{endpoint}/openai/v1/chat/completions`, model in the body).
 */
export const azureSchema = z.strictObject({
  endpoint: httpsOrHttpUrl,
  api_version: z.string().min(1).optional(),
  /** A Microsoft Entra ID token, sent as `Authorization: Bearer` instead of `api-key`. */
  bearer_token: z.string().min(1).optional(),
  /** An Entra ID app (service principal): Plexus fetches and renews its tokens. */
  tenant_id: z.string().min(1).optional(),
  client_id: z.string().min(1).optional(),
  client_secret: z.string().min(1).optional(),
  /** The Entra authority; other clouds (US Government, China) have their own. */
  authority_host: httpsOrHttpUrl.optional(),
});

/** Google Cloud regions and `global`: lower-case letters, digits and dashes. */
const location = z.string().regex(/^[a-z][a-z0-9-]*$/, {
  error: "expected a Google Cloud location such as us-central1, us-east5 or global",
});

/** A project id, or a project number (which YAML reads as a number). */
const project = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

export const vertexSchema = z.strictObject({
  project,
  location,
  /** A service-account JSON key: a file path, or the JSON itself. */
  credentials: z.string().min(1).optional(),
  /** An OAuth access token used as it is (for example from `gcloud auth print-access-token`). */
  access_token: z.string().min(1).optional(),
});

/** Spread into the provider schema: the one line `schema.ts` needs. */
export const cloudProviderFields = {
  azure: azureSchema.optional(),
  vertex: vertexSchema.optional(),
};

export type AzureFile = z.infer<typeof azureSchema>;
export type VertexFile = z.infer<typeof vertexSchema>;

/** A Google service account's key, as much of it as signing a token needs. */
export interface ServiceAccountKey {
  clientEmail: string;
  /** PKCS#8 PEM. */
  privateKey: string;
  privateKeyId?: string;
  /** Where the signed assertion is exchanged for an access token. */
  tokenUri: string;
}

/** Google user credentials (`type: authorized_user`), as `gcloud auth application-default` writes. */
export interface GoogleUserCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenUri: string;
}

export type VertexAuth =
  | { kind: "service_account"; key: ServiceAccountKey }
  | { kind: "authorized_user"; user: GoogleUserCredentials }
  | { kind: "access_token"; token: string };

/** An Entra ID application's client credentials (OAuth client_credentials grant). */
export interface EntraClientCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** No trailing slash; `https://login.microsoftonline.com` by default. */
  authorityHost: string;
}

export interface AzureCloud {
  kind: "azure";
  /** Deployment-style URLs when set, the v1 URLs when absent. */
  apiVersion?: string;
  bearerToken?: string;
  clientCredentials?: EntraClientCredentials;
}

export interface VertexCloud {
  kind: "vertex";
  project: string;
  location: string;
  auth: VertexAuth;
}

export type CloudConfig = AzureCloud | VertexCloud;

/** Every credential a cloud section holds, for redaction wherever text leaves Plexus. */
export function cloudSecrets(cloud: CloudConfig | undefined): string[] {
  if (cloud === undefined) return [];
  if (cloud.kind === "azure") {
    return [cloud.bearerToken, cloud.clientCredentials?.clientSecret].filter((secret) =>
      secret !== undefined
    );
  }
  const auth = cloud.auth;
  if (auth.kind === "access_token") return [auth.token];
  if (auth.kind === "authorized_user") return [auth.user.clientSecret, auth.user.refreshToken];
  return [auth.key.privateKey, ...privateKeyLines(auth.key.privateKey)];
}

/** A PEM's base64 body lines, so even a fragment of the key is recognised and removed. */
function privateKeyLines(pem: string): string[] {
  return pem.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith("-----"));
}
