/**
 * The Google Gemini `generateContent` API as a codec
 * (ai.google.dev/api/generate-content), both as a client's dialect and as a provider's.
 */
import type { InboundCodec } from "../codec.ts";
import { statusOutsideAnthropic } from "../unified.ts";
import { renderError, upstreamErrorMessage } from "./errors.ts";
import { toUnifiedRequest } from "./request_decode.ts";
import { fromUnifiedRequest } from "./request_encode.ts";
import { toUnifiedResponse } from "./response_decode.ts";
import { fromUnifiedResponse } from "./response_encode.ts";
import { createStreamDecoder } from "./stream_decode.ts";
import { createStreamEncoder } from "./stream_encode.ts";
import { GEMINI_MODEL_LIST } from "./models.ts";
import { GEMINI_PATHS, GENERATE_ROUTE, TOKEN_COUNTING } from "./routes.ts";

/** `{base}/models/{model}:generateContent`; streaming asks for SSE (`alt=sse`). */
export function upstreamUrl(baseUrl: string, model: string, stream: boolean): string {
  const name = model.startsWith("models/") ? model.slice("models/".length) : model;
  return stream
    ? `${baseUrl}/models/${name}:streamGenerateContent?alt=sse`
    : `${baseUrl}/models/${name}:generateContent`;
}

/** ai.google.dev/gemini-api/docs/api-key: the key travels in `x-goog-api-key`. */
export function upstreamHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined ? {} : { "x-goog-api-key": apiKey };
}

/**
 * Frames worth parsing on a pass-through stream once the first token was seen: usage
 * (`usageMetadata`), an error, or the last chunk (`finishReason`).
 */
const MAY_CARRY_USAGE = /"usageMetadata"\s*:\s*\{|"error"|finishReason/;

export const geminiCodec: InboundCodec = {
  api: "gemini",
  routes: [GENERATE_ROUTE],
  recognise: {
    paths: GEMINI_PATHS,
    headers: ["x-goog-api-key"],
    // ai.google.dev/api: the key in `x-goog-api-key`, or `?key=` on REST URLs.
    keyPlaces: { headers: ["x-goog-api-key"], query: "key" },
  },
  toUnifiedRequest,
  fromUnifiedResponse,
  createStreamEncoder,
  errorStatus: statusOutsideAnthropic,
  renderError,
  models: GEMINI_MODEL_LIST,
  countTokens: TOKEN_COUNTING,
  passThrough: {
    // The model is in the URL, so a pass-through body needs no change.
    withModel: (body) => body,
    mayCarryUsage: (data) => MAY_CARRY_USAGE.test(data),
    forwardedHeaders: [],
    // Upstream calls stream SSE: a client that wants a JSON array gets it re-encoded.
    applies: (request, inbound) => !request.stream || inbound.sse === true,
  },
  fromUnifiedRequest,
  toUnifiedResponse,
  createStreamDecoder,
  upstreamUrl,
  upstreamHeaders,
  upstreamErrorMessage,
};
