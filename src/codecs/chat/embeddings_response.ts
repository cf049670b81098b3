/**
 * OpenAI embeddings responses, both ways.
 * Reference: platform.openai.com/docs/api-reference/embeddings/object: `data[]` of
 * `{object: "embedding", index, embedding}`, where `embedding` is a list of floats or, with
 * `encoding_format: "base64"`, base64 text of little-endian float32 values; `usage` has
 * `prompt_tokens` and `total_tokens`.
 */
import {
  estimateEmbeddingTokens,
  type UnifiedEmbeddingRequest,
  type UnifiedEmbeddingResponse,
} from "../embeddings.ts";
import { base64ToFloat32, float32ToBase64 } from "../float32_base64.ts";
import { isObject, numberField, stringField } from "../json_guards.ts";
import { readVector } from "../vector.ts";

export function encodeEmbeddingResponse(
  response: UnifiedEmbeddingResponse,
  request: UnifiedEmbeddingRequest,
): unknown {
  const tokens = response.inputTokens ?? estimateEmbeddingTokens(request.items);
  return {
    object: "list",
    data: response.vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: request.encoding === "base64" ? float32ToBase64(vector) : vector,
    })),
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/**
 * One call's answer for `count` inputs, put in input order by `index` (the API does not promise
 * the order of `data`). Throws when an index is missing, repeated or out of range.
 */
export function decodeEmbeddingResponse(body: unknown, count: number): UnifiedEmbeddingResponse {
  if (!isObject(body) || !Array.isArray(body.data)) {
    throw new Error("expected an object with a 'data' array");
  }
  if (body.data.length !== count) {
    throw new Error(`expected ${count} embeddings, got ${body.data.length}`);
  }
  const vectors = new Array<number[] | undefined>(count);
  body.data.forEach((entry, position) => {
    if (!isObject(entry)) throw new Error(`data[${position}] is not an object`);
    const index = numberField(entry, "index") ?? position;
    if (!Number.isInteger(index) || index < 0 || index >= count || vectors[index] !== undefined) {
      throw new Error(`data[${position}] has an invalid or repeated index ${index}`);
    }
    vectors[index] = typeof entry.embedding === "string"
      ? base64ToFloat32(entry.embedding)
      : readVector(entry.embedding);
    if (vectors[index] === undefined) throw new Error(`data[${position}].embedding is not valid`);
  });
  const response: UnifiedEmbeddingResponse = { vectors: vectors as number[][] };
  const usage = isObject(body.usage) ? body.usage : undefined;
  const tokens = usage === undefined ? undefined : numberField(usage, "prompt_tokens");
  if (tokens !== undefined && tokens >= 0) response.inputTokens = tokens;
  const model = stringField(body, "model");
  if (model !== undefined) response.model = model;
  return response;
}
