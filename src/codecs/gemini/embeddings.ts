/**
 * Gemini embeddings (`:embedContent`, `:batchEmbedContents`), as a client's dialect and as a
 * provider's (always `:batchEmbedContents`: one call for many inputs).
 * Reference: ai.google.dev/api/embeddings.
 */
import type { EmbeddingsCodec } from "../embeddings.ts";
import {
  decodeEmbeddingRequest,
  embeddingUrl,
  encodeEmbeddingRequest,
  GEMINI_MAX_BATCH,
} from "./embeddings_request.ts";
import { decodeEmbeddingResponse, encodeEmbeddingResponse } from "./embeddings_response.ts";

export const geminiEmbeddings: EmbeddingsCodec = {
  api: "gemini",
  // The SDKs use `v1beta` by default and `v1` or `v1alpha` when configured; all three are served.
  routes: [{
    path: /^\/(?:v1beta|v1|v1alpha)\/models\/(.+):(embedContent|batchEmbedContents)$/,
    params: ["model", "method"],
    context: (params) => ({ model: params.model, single: params.method === "embedContent" }),
  }],
  maxInputsPerRequest: GEMINI_MAX_BATCH,
  decodeRequest: decodeEmbeddingRequest,
  encodeResponse: encodeEmbeddingResponse,
  maxInputsPerCall: GEMINI_MAX_BATCH,
  encodeRequest: encodeEmbeddingRequest,
  upstreamUrl: embeddingUrl,
  decodeResponse: decodeEmbeddingResponse,
};
