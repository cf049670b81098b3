/**
 * Azure OpenAI around the chat and Responses codecs: its URLs, its auth headers and its error
 * bodies. The bodies themselves are OpenAI's (the target's model is the deployment name).
 * References (learn.microsoft.com/azure/ai-foundry/openai):
 * - reference ("Chat completions": POST {endpoint}/openai/deployments/{deployment-id}/chat/
 *   completions?api-version=...; "Authentication": `api-key` header or Microsoft Entra ID bearer);
 * - api-version-lifecycle ("v1 API": {endpoint}/openai/v1/chat/completions and /openai/v1/
 *   responses, model in the body, no api-version needed);
 * - how-to/responses (REST: {endpoint}/openai/responses?api-version=..., model in the body);
 * - concepts/content-filter ("Scenario details": a filtered prompt is HTTP 400 with
 *   `code: content_filter` and `innererror.code: ResponsibleAIPolicyViolation`).
 */
import type { AzureCloud } from "../../config/clouds.ts";

type AzureApi = "chat" | "responses";

/**
 * `v1`, `preview` and `latest` name the v1 API rather than a dated version (api-version-lifecycle:
 * the v1 API needs no api-version; its early preview took `api-version=preview`).
 */
function v1Query(cloud: AzureCloud): string | undefined {
  const version = cloud.apiVersion;
  if (version === undefined || version === "v1") return "";
  return version === "preview" || version === "latest" ? `?api-version=${version}` : undefined;
}

export function azureUrl(
  baseUrl: string,
  cloud: AzureCloud,
  api: AzureApi,
  deployment: string,
): string {
  const v1 = v1Query(cloud);
  if (v1 !== undefined) {
    return `${baseUrl}/openai/v1/${api === "chat" ? "chat/completions" : "responses"}${v1}`;
  }
  const version = `api-version=${encodeURIComponent(cloud.apiVersion ?? "")}`;
  return api === "chat"
    ? `${baseUrl}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?${version}`
    : `${baseUrl}/openai/responses?${version}`;
}

/** Embeddings at the deployment (reference, "Embeddings") or the v1 URL, model in the body. */
export function azureEmbeddingsUrl(baseUrl: string, cloud: AzureCloud, deployment: string): string {
  const v1 = v1Query(cloud);
  if (v1 !== undefined) return `${baseUrl}/openai/v1/embeddings${v1}`;
  return `${baseUrl}/openai/deployments/${encodeURIComponent(deployment)}/embeddings?api-version=${
    encodeURIComponent(cloud.apiVersion ?? "")
  }`;
}

/** An Entra ID token when configured, else the resource key. */
export function azureHeaders(
  cloud: AzureCloud,
  apiKey: string | undefined,
): Record<string, string> {
  if (cloud.bearerToken !== undefined) return { authorization: `Bearer ${cloud.bearerToken}` };
  return apiKey === undefined || apiKey === "" ? {} : { "api-key": apiKey };
}

/**
 * The OpenAI `code` of an Azure error body worth keeping for the client: a content-filter
 * refusal says `content_filter` (sometimes only in `innererror`), so an OpenAI client can tell
 * it from a malformed request.
 */
export function azureErrorCode(bodyText: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const error = field(body, "error");
  const code = field(error, "code");
  const inner = field(field(error, "innererror"), "code");
  if (code === "content_filter" || inner === "ResponsibleAIPolicyViolation") {
    return "content_filter";
  }
  return typeof code === "string" && /^[a-z_]{1,64}$/.test(code) ? code : undefined;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/**
 * Azure's annotation-only stream chunks (concepts/content-filter, "Content streaming"): the
 * first chunk with empty `choices` and `prompt_filter_results`, and chunks whose choices carry
 * only `content_filter_results`/`content_filter_offsets` and no `delta`. OpenAI never sends such
 * chunks and clients that read `choices[0].delta` break on them, so a pass-through stream to an
 * OpenAI client leaves them out. Usage chunks are never annotation chunks.
 */
export function isAzureAnnotationChunk(data: string): boolean {
  if (!data.includes("filter_results") && !data.includes("content_filter_offsets")) return false;
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return false;
  }
  const choices = field(chunk, "choices");
  if (!Array.isArray(choices) || field(chunk, "usage") != null || field(chunk, "error") != null) {
    return false;
  }
  return choices.every((choice) =>
    field(choice, "delta") === undefined && field(choice, "finish_reason") == null
  );
}
