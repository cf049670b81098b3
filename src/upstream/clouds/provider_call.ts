/**
 * Where one provider call goes, with which headers and body: the codec's own URL and auth for a
 * provider of the API itself, or a cloud's (Azure OpenAI, Vertex AI) wrapped around the same
 * codec. The one place the gateway asks, so clouds need no branch anywhere else.
 */
import type { Codec, SseEvent } from "../../codecs/codec.ts";
import { cloudSecrets } from "../../config/clouds.ts";
import type { ProviderConfig } from "../../config/types.ts";
import type { AttemptFailure } from "../failure.ts";
import { redactSecrets } from "../failure.ts";
import { viaFetch } from "../transport.ts";
import type { SendUpstream } from "../types.ts";
import { azureErrorCode, azureHeaders, azureUrl, isAzureAnnotationChunk } from "./azure.ts";
import { tokensFor } from "./google_auth.ts";
import { vertexBody, vertexUrl } from "./vertex.ts";

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

export async function prepareProviderCall(
  codec: Codec,
  provider: ProviderConfig,
  parts: CallParts,
): Promise<PreparedCall> {
  const json = { "content-type": "application/json" };
  const cloud = provider.cloud;
  const finish = (url: string, auth: Record<string, string>, forwarded = parts.forwarded) => ({
    ok: true as const,
    call: {
      url,
      headers: { ...json, ...auth, ...forwarded, ...provider.headers },
      body: parts.body,
    },
  });
  if (cloud === undefined) {
    return finish(
      codec.upstreamUrl(provider.baseUrl, parts.model, parts.stream),
      codec.upstreamHeaders(provider.apiKey),
    );
  }
  if (cloud.kind === "azure") {
    const api = provider.api === "responses" ? "responses" : "chat";
    return finish(
      azureUrl(provider.baseUrl, cloud, api, parts.model),
      azureHeaders(cloud, provider.apiKey),
    );
  }
  const api = provider.api === "messages" ? "messages" : "gemini";
  const token = cloud.auth.kind === "access_token"
    ? { ok: true as const, token: cloud.auth.token }
    : await tokensFor(cloud.auth.key).token(parts.send ?? viaFetch);
  if (!token.ok) return { ok: false, failure: tokenFailure(token.message) };
  const forwarded = Object.fromEntries(
    Object.entries(parts.forwarded).filter(([name]) => !VERTEX_DROPPED_HEADERS.has(name)),
  );
  const prepared = finish(
    vertexUrl(provider.baseUrl, cloud, api, parts.model, parts.stream),
    { authorization: `Bearer ${token.token}` },
    forwarded,
  );
  prepared.call.body = vertexBody(api, parts.body);
  return prepared;
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

/** The client-safe message of an upstream error body, and an OpenAI `code` worth keeping. */
export function providerErrorDetails(
  codec: Codec,
  provider: ProviderConfig,
  status: number,
  bodyText: string,
): { message: string; code?: string } {
  const message = redactSecrets(codec.upstreamErrorMessage(status, bodyText), [
    provider.apiKey,
    ...cloudSecrets(provider.cloud),
  ]);
  const code = provider.cloud?.kind === "azure" ? azureErrorCode(bodyText) : undefined;
  return code === undefined ? { message } : { message, code };
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
