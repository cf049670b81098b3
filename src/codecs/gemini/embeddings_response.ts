/**
 * Gemini embeddings responses, both ways.
 * Reference: ai.google.dev/api/embeddings: `embedContent` answers `{embedding: {values}}`,
 * `batchEmbedContents` answers `{embeddings: [{values}]}` "in the same order as provided in the
 * batch request". Neither documents a token count; a `usageMetadata.promptTokenCount`, when a
 * newer API version sends one, is read (the @google/genai SDK passes it on).
 */
import type { UnifiedEmbeddingRequest, UnifiedEmbeddingResponse } from "../embeddings.ts";
import { isObject, numberField } from "../json_guards.ts";
import { readVector } from "../vector.ts";

export function encodeEmbeddingResponse(
  response: UnifiedEmbeddingResponse,
  request: UnifiedEmbeddingRequest,
): unknown {
  if (request.single === true) return { embedding: { values: response.vectors[0] } };
  return { embeddings: response.vectors.map((values) => ({ values })) };
}

export function decodeEmbeddingResponse(body: unknown, count: number): UnifiedEmbeddingResponse {
  if (!isObject(body) || !Array.isArray(body.embeddings)) {
    throw new Error("expected an object with an 'embeddings' array");
  }
  if (body.embeddings.length !== count) {
    throw new Error(`expected ${count} embeddings, got ${body.embeddings.length}`);
  }
  const vectors = body.embeddings.map((embedding, index) => {
    const values = isObject(embedding) ? readVector(embedding.values) : undefined;
    if (values === undefined) throw new Error(`embeddings[${index}].values is not a vector`);
    return values;
  });
  const response: UnifiedEmbeddingResponse = { vectors };
  const usage = isObject(body.usageMetadata) ? body.usageMetadata : undefined;
  const tokens = usage === undefined ? undefined : numberField(usage, "promptTokenCount");
  if (tokens !== undefined && tokens >= 0) response.inputTokens = tokens;
  return response;
}
