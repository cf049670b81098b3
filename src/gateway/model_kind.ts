/**
 * Embedding models (`kind: embedding` in the config) serve the embeddings endpoints only, and
 * generation models everything else. The config keeps an alias to one kind, so the first target
 * speaks for all of them.
 */
import { GatewayError } from "../codecs/unified.ts";
import type { Config } from "../config/types.ts";
import type { Candidate } from "../routing/resolve.ts";

function isEmbedding(config: Config, candidate: Candidate): boolean {
  return config.providers[candidate.provider]?.models[candidate.model]?.kind === "embedding";
}

export function requireEmbeddingModel(config: Config, model: string, candidates: Candidate[]) {
  if (candidates.length === 0 || isEmbedding(config, candidates[0])) return;
  throw new GatewayError(
    "invalid_request",
    `The model '${model}' is not an embedding model. Mark embedding models with 'kind: embedding' ` +
      "in the config, or ask for one of those.",
    { param: "model", code: "model_not_embedding" },
  );
}

export function requireGenerationModel(config: Config, model: string, candidates: Candidate[]) {
  if (candidates.length === 0 || !isEmbedding(config, candidates[0])) return;
  throw new GatewayError(
    "invalid_request",
    `The model '${model}' is an embedding model: it serves POST /v1/embeddings (or Gemini's ` +
      ":embedContent and :batchEmbedContents), not generation requests.",
    { param: "model", code: "model_is_embedding" },
  );
}
