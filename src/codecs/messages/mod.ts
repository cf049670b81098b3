/** The Anthropic Messages API (`POST /v1/messages`), inbound and outbound. */
import type { InboundCodec, TokenCounting } from "../codec.ts";
import { OPENAI_MODEL_LIST } from "../model_list.ts";
import { renderError, upstreamErrorMessage } from "./errors.ts";
import { toUnifiedRequest } from "./request_decode.ts";
import { fromUnifiedRequest } from "./request_encode.ts";
import { toUnifiedResponse } from "./response_decode.ts";
import { fromUnifiedResponse } from "./response_encode.ts";
import { createStreamDecoder } from "./stream_decode.ts";
import { createStreamEncoder } from "./stream_encode.ts";

/** Versioning: every request names the API version it was written against. */
export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * Frames worth parsing on a pass-through stream once the first token was seen: those with usage
 * (`message_start`, `message_delta`) or an error.
 */
const MAY_CARRY_USAGE = /"usage"\s*:\s*\{|"error"/;

/** "Count message tokens": `POST /v1/messages/count_tokens`, answered `{ input_tokens }`. */
const TOKEN_COUNTING: TokenCounting = {
  route: { path: "/v1/messages/count_tokens" },
  model: (body) => (typeof body.model === "string" ? body.model : undefined),
  prompt: (body) =>
    Array.isArray(body.messages) ? [body.system ?? "", body.messages, body.tools ?? []] : undefined,
  promptField: "messages",
  upstreamUrl: (baseUrl) => `${baseUrl}/v1/messages/count_tokens`,
  upstreamBody: (body, model) => ({ ...body, model }),
  answer: (tokens) => ({ input_tokens: tokens }),
};

export const messagesCodec: InboundCodec = {
  api: "messages",
  routes: [{ path: "/v1/messages" }],
  recognise: { paths: /^\/v1\/messages(?:\/|$)/, headers: ["anthropic-version"] },
  toUnifiedRequest,
  fromUnifiedResponse,
  createStreamEncoder,
  // 529 "overloaded" is Anthropic's own status, and its clients retry on it.
  errorStatus: (error) => error.status,
  renderError,
  models: OPENAI_MODEL_LIST,
  countTokens: TOKEN_COUNTING,
  passThrough: {
    withModel: (body, model) => ({ ...body, model }),
    mayCarryUsage: (data) => MAY_CARRY_USAGE.test(data),
    // Newer Anthropic SDKs send newer versions and betas; Anthropic upstreams should see them.
    forwardedHeaders: ["anthropic-version", "anthropic-beta"],
  },
  fromUnifiedRequest,
  toUnifiedResponse,
  createStreamDecoder,
  upstreamUrl: (baseUrl) => `${baseUrl}/v1/messages`,
  upstreamHeaders: (apiKey) => {
    const headers: Record<string, string> = { "anthropic-version": ANTHROPIC_VERSION };
    if (apiKey !== undefined) headers["x-api-key"] = apiKey;
    return headers;
  },
  upstreamErrorMessage,
};
