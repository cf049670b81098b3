/**
 * Where one provider call goes, with which headers and body: the codec's own URL and auth for a
 * provider of the API itself, or a cloud's (Azure OpenAI, Vertex AI) wrapped around the same
 * codec. The one place the gateway asks, so clouds need no branch anywhere else.
 */
import type { Codec, SseEvent } from "../../codecs/codec.ts";
import type { EmbeddingsCodec } from "../../codecs/embeddings.ts";
import { CODECS } from "../../codecs/registry.ts";
import { type CloudConfig, cloudSecrets } from "../../config/clouds.ts";
import type { ProviderConfig } from "../../config/types.ts";
import type { AttemptFailure } from "../failure.ts";
import { redactSecrets } from "../failure.ts";
import { viaFetch } from "../transport.ts";
import type { SendUpstream } from "../types.ts";
import {
  azureEmbeddingsUrl,
  azureErrorCode,
  azureHeaders,
  azureUrl,
  isAzureAnnotationChunk,
} from "./azure.ts";
import { vertexEmbeddings } from "./vertex_embeddings.ts";
import { entraTokensFor } from "./azure_auth.ts";
import { googleTokensFor } from "./google_auth.ts";
import type { TokenCache } from "./token_cache.ts";
import { vertexBody, vertexPredictUrl, vertexUrl } from "./vertex.ts";

export interface ProviderCall {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export type PreparedCall = { ok: true; call: ProviderCall } | {
  ok: false;
  failure: AttemptFailure;
};

export interface CallParts {
  model: string;
  stream: boolean;
  /** The body the provider's API takes directly (model included). */
  body: Record<string, unknown>;
  /** Client headers worth passing on (Anthropic version and betas), before provider headers. */
  forwarded: Record<string, string>;
  send?: SendUpstream;
}

/** Claude on Vertex takes the version in the body; the beta header is still honoured. */
const VERTEX_DROPPED_HEADERS = new Set(["anthropic-version"]);

type AuthOutcome = { ok: true; headers: Record<string, string> } | {
  ok: false;
  failure: AttemptFailure;
};

/** Where a cloud provider's expiring tokens come from; undefined for static credentials. */
function tokenSource(cloud: CloudConfig): TokenCache | undefined {
  if (cloud.kind === "azure") {
    return cloud.clientCredentials === undefined
      ? undefined
      : entraTokensFor(cloud.clientCredentials);
  }
  return cloud.auth.kind === "access_token" ? undefined : googleTokensFor(cloud.auth);
}

/** The provider's auth headers: its API's, Azure's key or token, or a fetched access token. */
async function authHeaders(
  provider: ProviderConfig,
  send: SendUpstream | undefined,
): Promise<AuthOutcome> {
  const cloud = provider.cloud;
  if (cloud === undefined) {
    return { ok: true, headers: CODECS[provider.api].upstreamHeaders(provider.apiKey) };
  }
  const tokens = tokenSource(cloud);
  if (tokens !== undefined) {
    const token = await tokens.token(send ?? viaFetch);
    if (!token.ok) return { ok: false, failure: tokenFailure(token.message) };
    return { ok: true, headers: { authorization: `Bearer ${token.token}` } };
  }
  if (cloud.kind === "azure") return { ok: true, headers: azureHeaders(cloud, provider.apiKey) };
  const token = cloud.auth.kind === "access_token" ? cloud.auth.token : "";
  return { ok: true, headers: { authorization: `Bearer ${token}` } };
}

export async function prepareProviderCall(
  codec: Codec,
  provider: ProviderConfig,
  parts: CallParts,
): Promise<PreparedCall> {
  const auth = await authHeaders(provider, parts.send);
  if (!auth.ok) return auth;
  const cloud = provider.cloud;
  let url = codec.upstreamUrl(provider.baseUrl, parts.model, parts.stream);
  let body = parts.body;
  let forwarded = parts.forwarded;
  if (cloud?.kind === "azure") {
    url = azureUrl(
      provider.baseUrl,
      cloud,
      provider.api === "responses" ? "responses" : "chat",
      parts.model,
    );
  } else if (cloud?.kind === "vertex") {
    const api = provider.api === "messages" ? "messages" : "gemini";
    url = vertexUrl(provider.baseUrl, cloud, api, parts.model, parts.stream);
    body = vertexBody(api, body);
    forwarded = Object.fromEntries(
      Object.entries(forwarded).filter(([name]) => !VERTEX_DROPPED_HEADERS.has(name)),
    );
  }
  const headers = { "content-type": "application/json", ...auth.headers, ...forwarded };
  const call = { url, headers: { ...headers, ...provider.headers }, body };
  if (codec.signUpstream !== undefined) {
    // Bedrock's SigV4 covers the body text: the gateway sends `JSON.stringify(body)` of this
    // same object, which gives the same text.
    const signature = await codec.signUpstream(
      { url, headers: call.headers, body: JSON.stringify(body) },
      provider,
    );
    call.headers = { ...call.headers, ...signature };
  }
  return { ok: true, call };
}

/** Where an embeddings call goes and with which headers; the codec from `embeddingsCodecFor`. */
export async function prepareEmbeddingCall(
  codec: EmbeddingsCodec,
  provider: ProviderConfig,
  model: string,
  send: SendUpstream | undefined,
): Promise<
  { ok: true; url: string; headers: Record<string, string> } | {
    ok: false;
    failure: AttemptFailure;
  }
> {
  const auth = await authHeaders(provider, send);
  if (!auth.ok) return auth;
  const headers = { "content-type": "application/json", ...auth.headers, ...provider.headers };
  return { ok: true, url: codec.upstreamUrl(provider.baseUrl, model), headers };
}

/** The embeddings codec for a target: its API's, with a cloud's URL (and Vertex's body). */
export function embeddingsCodecFor(
  provider: ProviderConfig,
  model: string,
  codec: EmbeddingsCodec,
): EmbeddingsCodec {
  const cloud = provider.cloud;
  if (cloud?.kind === "vertex") {
    return vertexEmbeddings(codec, model, (base, name) => vertexPredictUrl(base, cloud, name));
  }
  if (cloud?.kind === "azure") {
    return { ...codec, upstreamUrl: (base, name) => azureEmbeddingsUrl(base, cloud, name) };
  }
  return codec;
}

/** No token means no call to any model of the provider: it cools down as a whole. */
function tokenFailure(message: string): AttemptFailure {
  return {
    reason: "connection",
    status: 502,
    kind: "bad_gateway",
    message,
    fallback: true,
    providerWide: true,
  };
}

/** Google OAuth access tokens (`ya29.` prefix), should Vertex ever echo the one it refused. */
const GOOGLE_TOKEN = /ya29\.[A-Za-z0-9_.-]+/g;

/**
 * The client-safe message of an upstream error body, and an OpenAI `code` worth keeping. A 401
 * from a provider whose tokens Plexus fetches also drops the cached token, so a revoked token is
 * replaced at the next call rather than at its expiry.
 */
export function providerErrorDetails(
  codec: Codec,
  provider: ProviderConfig,
  status: number,
  bodyText: string,
): { message: string; code?: string } {
  const message = redactSecrets(codec.upstreamErrorMessage(status, bodyText), [
    provider.apiKey,
    provider.aws?.secretAccessKey,
    provider.aws?.sessionToken,
    ...cloudSecrets(provider.cloud),
  ]);
  if (status === 401 && provider.cloud !== undefined) tokenSource(provider.cloud)?.forget();
  const code = provider.cloud?.kind === "azure" ? azureErrorCode(bodyText) : undefined;
  const safe = provider.cloud?.kind === "vertex"
    ? message.replace(GOOGLE_TOKEN, "[redacted]")
    : message;
  return code === undefined ? { message: safe } : { message: safe, code };
}

/**
 * Which events of a pass-through stream the client must not see: those only Plexus asked for
 * (`hiddenByCodec`) and, from Azure, its content-filter annotation chunks.
 */
export function hiddenStreamEvents(
  provider: ProviderConfig,
  hiddenByCodec: ((event: SseEvent) => boolean) | undefined,
): ((event: SseEvent) => boolean) | undefined {
  if (provider.cloud?.kind !== "azure" || provider.api !== "chat") return hiddenByCodec;
  return (event) => isAzureAnnotationChunk(event.data) || (hiddenByCodec?.(event) ?? false);
}
