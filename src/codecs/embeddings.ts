/**
 * Embeddings in one provider-neutral shape, and the contract each wire API's embeddings module
 * fulfils (OpenAI `POST /embeddings` in `chat/`, Gemini `:embedContent`/`:batchEmbedContents` in
 * `gemini/`). Like `codec.ts`, everything here is pure: the gateway does the I/O.
 */
import type { Route } from "./codec.ts";
import type { ApiName } from "./registry.ts";

/** One thing to embed: text, or token ids (OpenAI only: no other API takes tokens). */
export type EmbeddingInput =
  | { kind: "text"; text: string }
  | { kind: "tokens"; tokens: number[] };

export interface EmbeddingItem {
  input: EmbeddingInput;
  /** Gemini `taskType` (RETRIEVAL_QUERY, RETRIEVAL_DOCUMENT, ...). */
  taskType?: string;
  /** Gemini `title`, for RETRIEVAL_DOCUMENT. */
  title?: string;
  /** OpenAI `dimensions`, Gemini `outputDimensionality`. */
  dimensions?: number;
  /**
   * The Gemini `content` exactly as the client sent it, so a Gemini upstream gets parts Plexus
   * does not model. `input.text` is then its text parts joined.
   */
  geminiContent?: Record<string, unknown>;
  /** The content had parts other than text: only a Gemini upstream can take it. */
  hasNonTextParts?: boolean;
}

export interface UnifiedEmbeddingRequest {
  /** What the client asked for (alias or provider/model). */
  model: string;
  items: EmbeddingItem[];
  /** How the client wants vectors back (OpenAI `encoding_format`; Gemini always floats). */
  encoding: "float" | "base64";
  /** OpenAI `user`. */
  user?: string;
  /** Gemini inbound: `:embedContent` (one answer object) rather than `:batchEmbedContents`. */
  single?: boolean;
  /** The client's body, so a same-API upstream keeps fields Plexus does not name. */
  raw: Record<string, unknown>;
  apiIn: ApiName;
}

export interface UnifiedEmbeddingResponse {
  /** One vector per item, in the items' order. */
  vectors: number[][];
  /** Prompt tokens as the provider counted them; undefined when it reports none. */
  inputTokens?: number;
  /** The model that answered, as the upstream named it (when it says). */
  model?: string;
}

/** What an outbound encoder needs besides the items of one call. */
export interface EmbeddingTarget {
  model: string;
  request: UnifiedEmbeddingRequest;
}

export interface EmbeddingsCodec {
  readonly api: ApiName;

  // ---- as the client's dialect -------------------------------------------------------------
  /** Where clients send embeddings requests (always `POST`). */
  readonly routes: readonly EmbeddingRoute[];
  /** Most inputs one client request may carry (the API's own documented limit). */
  readonly maxInputsPerRequest: number;
  /** Validates the body; throws `GatewayError` (400) naming the bad field. */
  decodeRequest(body: unknown, ctx: EmbeddingInbound): UnifiedEmbeddingRequest;
  encodeResponse(response: UnifiedEmbeddingResponse, request: UnifiedEmbeddingRequest): unknown;

  // ---- as the provider's ---------------------------------------------------------------------
  /** Most inputs one upstream call may carry; larger requests are split. */
  readonly maxInputsPerCall: number;
  /**
   * Items that can share one upstream call have the same key (OpenAI: one `dimensions` per
   * call). Undefined when any items can share a call.
   */
  callKey?(item: EmbeddingItem): string;
  /** Throws `GatewayError` (400) when an item cannot be expressed in this API. */
  encodeRequest(items: EmbeddingItem[], target: EmbeddingTarget): Record<string, unknown>;
  upstreamUrl(baseUrl: string, model: string): string;
  /** Reads one call's answer for `count` items; throws when it is not a valid answer. */
  decodeResponse(body: unknown, count: number): UnifiedEmbeddingResponse;
}

/** An embeddings endpoint, with what its URL says beyond the body. */
export interface EmbeddingRoute extends Route {
  context?(params: Record<string, string>): EmbeddingInbound;
}

/** What the router knows about an inbound embeddings request beyond its body. */
export interface EmbeddingInbound {
  /** Gemini: the model from the URL. */
  model?: string;
  /** Gemini: `:embedContent` rather than `:batchEmbedContents`. */
  single?: boolean;
}

const CHARS_PER_TOKEN = 4;

/**
 * A count for providers that report none (Gemini's batchEmbedContents): about four characters
 * of text per token, one per token id. Logged as `usage_source: estimated`.
 */
export function estimateEmbeddingTokens(items: readonly EmbeddingItem[]): number {
  let tokens = 0;
  for (const { input } of items) {
    tokens += input.kind === "tokens"
      ? input.tokens.length
      : Math.ceil(input.text.length / CHARS_PER_TOKEN);
  }
  return tokens;
}
