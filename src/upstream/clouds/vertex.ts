/**
 * Vertex AI around the Gemini and Anthropic messages codecs: its URLs and the two body rules
 * that differ from the direct APIs.
 * References:
 * - cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/projects.locations.
 *   publishers.models/generateContent (POST https://{location}-aiplatform.googleapis.com/v1/
 *   projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent,
 *   `:streamGenerateContent?alt=sse`; the `global` location is served by aiplatform.googleapis.com;
 *   `Content.role` is required, "user" or "model");
 * - docs.anthropic.com/en/api/claude-on-vertex-ai (.../publishers/anthropic/models/{model}:rawPredict
 *   and `:streamRawPredict`; `model` is not in the body, `anthropic_version: "vertex-2023-10-16"`
 *   is).
 */
import type { VertexCloud } from "../../config/clouds.ts";

type VertexApi = "gemini" | "messages";

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/** Model ids such as `claude-sonnet-4@20250514` keep their `@`, as Google's own examples show. */
function modelSegment(model: string): string {
  return encodeURIComponent(model).replace(/%40/g, "@");
}

/** `{base}/v1/projects/{p}/locations/{l}/publishers/{publisher}/models/{model}` */
function modelUrl(baseUrl: string, cloud: VertexCloud, publisher: string, model: string): string {
  const project = encodeURIComponent(cloud.project);
  const location = encodeURIComponent(cloud.location);
  return `${baseUrl}/v1/projects/${project}/locations/${location}/publishers/${publisher}/models/${
    modelSegment(model)
  }`;
}

export function vertexUrl(
  baseUrl: string,
  cloud: VertexCloud,
  api: VertexApi,
  model: string,
  stream: boolean,
): string {
  if (api === "gemini") {
    const models = modelUrl(baseUrl, cloud, "google", model);
    return stream ? `${models}:streamGenerateContent?alt=sse` : `${models}:generateContent`;
  }
  return `${modelUrl(baseUrl, cloud, "anthropic", model)}:${
    stream ? "streamRawPredict" : "rawPredict"
  }`;
}

/** Google's embedding models answer `:predict` (vertex_embeddings.ts). */
export function vertexPredictUrl(baseUrl: string, cloud: VertexCloud, model: string): string {
  return `${modelUrl(baseUrl, cloud, "google", model)}:predict`;
}

/** The body Vertex expects, from the body the direct API would get. */
export function vertexBody(api: VertexApi, body: Record<string, unknown>): Record<string, unknown> {
  if (api === "messages") {
    const { model: _model, ...rest } = body;
    return { ...rest, anthropic_version: VERTEX_ANTHROPIC_VERSION };
  }
  if (!Array.isArray(body.contents)) return body;
  // The Gemini API takes a content without a role as the user's; Vertex rejects it.
  const contents = body.contents.map((content: unknown) =>
    typeof content === "object" && content !== null && !Array.isArray(content) &&
      typeof (content as Record<string, unknown>).role !== "string"
      ? { role: "user", ...content }
      : content
  );
  return { ...body, contents };
}
