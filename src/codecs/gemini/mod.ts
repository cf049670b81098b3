/**
 * The Google Gemini `generateContent` API as a codec
 * (ai.google.dev/api/generate-content), both as a client's dialect and as a provider's.
 */
import type { Codec } from "../codec.ts";
import { renderError, upstreamErrorMessage } from "./errors.ts";
import { toUnifiedRequest } from "./request_decode.ts";
import { fromUnifiedRequest } from "./request_encode.ts";
import { toUnifiedResponse } from "./response_decode.ts";
import { fromUnifiedResponse } from "./response_encode.ts";
import { createStreamDecoder } from "./stream_decode.ts";
import { createStreamEncoder } from "./stream_encode.ts";

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

export const geminiCodec: Codec = {
  api: "gemini",
  toUnifiedRequest,
  fromUnifiedResponse,
  createStreamEncoder,
  renderError,
  fromUnifiedRequest,
  toUnifiedResponse,
  createStreamDecoder,
  upstreamUrl,
  upstreamHeaders,
  upstreamErrorMessage,
  // The model is in the URL, so a pass-through body needs no change.
  withModel: (body) => body,
};
