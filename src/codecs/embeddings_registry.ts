/**
 * Which wire APIs can embed. A provider speaking `responses` is an OpenAI-style server whose
 * base URL also serves `/embeddings`; Anthropic's messages API has no embeddings endpoint.
 */
import type { EmbeddingsCodec } from "./embeddings.ts";
import type { ApiName } from "./registry.ts";
import { openAiEmbeddings } from "./chat/embeddings.ts";
import { geminiEmbeddings } from "./gemini/embeddings.ts";

export const EMBEDDING_CODECS: Readonly<Partial<Record<ApiName, EmbeddingsCodec>>> = {
  chat: openAiEmbeddings,
  responses: openAiEmbeddings,
  gemini: geminiEmbeddings,
};

/** The embeddings APIs clients may speak to Plexus, each with its routes. */
export const EMBEDDING_DIALECTS: readonly EmbeddingsCodec[] = [openAiEmbeddings, geminiEmbeddings];
