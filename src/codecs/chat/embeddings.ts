/**
 * OpenAI embeddings (`POST /v1/embeddings`), as a client's dialect and as a provider's: every
 * OpenAI-compatible server (OpenAI, vLLM, Ollama, OpenRouter...) answers at `{base}/embeddings`.
 * Reference: platform.openai.com/docs/api-reference/embeddings.
 */
import type { EmbeddingsCodec } from "../embeddings.ts";
import {
  decodeEmbeddingRequest,
  embeddingCallKey,
  encodeEmbeddingRequest,
  OPENAI_MAX_INPUTS,
} from "./embeddings_request.ts";
import { decodeEmbeddingResponse, encodeEmbeddingResponse } from "./embeddings_response.ts";

export const openAiEmbeddings: EmbeddingsCodec = {
  api: "chat",
  routes: [{ path: "/v1/embeddings" }],
  maxInputsPerRequest: OPENAI_MAX_INPUTS,
  decodeRequest: decodeEmbeddingRequest,
  encodeResponse: encodeEmbeddingResponse,
  maxInputsPerCall: OPENAI_MAX_INPUTS,
  callKey: embeddingCallKey,
  encodeRequest: encodeEmbeddingRequest,
  upstreamUrl: (baseUrl) => `${baseUrl}/embeddings`,
  decodeResponse: decodeEmbeddingResponse,
};
