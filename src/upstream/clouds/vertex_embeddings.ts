/**
 * Embeddings on Vertex AI, which has no `batchEmbedContents`: its text-embedding models answer
 * `:predict`. Reference: cloud.google.com/vertex-ai/generative-ai/docs/model-reference/
 * text-embeddings-api (request `{"instances":[{"content","task_type","title"}],
 * "parameters":{"outputDimensionality","autoTruncate"}}`, answer
 * `{"predictions":[{"embeddings":{"values":[...],"statistics":{"token_count","truncated"}}}]}`;
 * `gemini-embedding-001` takes one instance per request, the text-embedding models up to 250 and
 * 20,000 tokens in all).
 */
import type {
  EmbeddingItem,
  EmbeddingsCodec,
  EmbeddingTarget,
  UnifiedEmbeddingResponse,
} from "../../codecs/embeddings.ts";
import { invalidRequest } from "../../codecs/unified.ts";

/** Eight inputs of at most 2,048 tokens each stay under the 20,000-token request limit. */
const TEXT_EMBEDDING_BATCH = 8;

function instancesPerCall(model: string): number {
  return model.startsWith("gemini-embedding") ? 1 : TEXT_EMBEDDING_BATCH;
}

function encodePredictRequest(
  items: EmbeddingItem[],
  _target: EmbeddingTarget,
): Record<string, unknown> {
  const instances = items.map((item) => {
    if (item.input.kind === "tokens" || item.hasNonTextParts === true) {
      throw invalidRequest(
        "input: Vertex AI text embedding models embed text only; send the text instead",
        "input",
      );
    }
    const instance: Record<string, unknown> = { content: item.input.text };
    if (item.taskType !== undefined) instance.task_type = item.taskType;
    if (item.title !== undefined) instance.title = item.title;
    return instance;
  });
  // Items of one call share their dimensions (callKey), so the first item speaks for all.
  const dimensions = items[0]?.dimensions;
  return {
    instances,
    ...(dimensions === undefined ? {} : { parameters: { outputDimensionality: dimensions } }),
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

function decodePredictResponse(body: unknown, count: number): UnifiedEmbeddingResponse {
  const predictions = record(body)?.predictions;
  if (!Array.isArray(predictions) || predictions.length !== count) {
    throw new Error(`expected ${count} predictions`);
  }
  let tokens: number | undefined = 0;
  const vectors = predictions.map((prediction, index) => {
    const embeddings = record(record(prediction)?.embeddings);
    const values = embeddings?.values;
    if (!Array.isArray(values) || !values.every((v) => typeof v === "number")) {
      throw new Error(`predictions[${index}].embeddings.values is not a list of numbers`);
    }
    const counted = record(embeddings?.statistics)?.token_count;
    tokens = typeof counted === "number" && tokens !== undefined ? tokens + counted : undefined;
    return values as number[];
  });
  return tokens === undefined ? { vectors } : { vectors, inputTokens: tokens };
}

/** The Gemini embeddings codec with Vertex's outbound request, URL and answer. */
export function vertexEmbeddings(
  gemini: EmbeddingsCodec,
  model: string,
  predictUrl: (baseUrl: string, model: string) => string,
): EmbeddingsCodec {
  return {
    ...gemini,
    maxInputsPerCall: instancesPerCall(model),
    callKey: (item) => String(item.dimensions ?? ""),
    encodeRequest: encodePredictRequest,
    upstreamUrl: predictUrl,
    decodeResponse: decodePredictResponse,
  };
}
