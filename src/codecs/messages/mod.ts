/** The Anthropic Messages API (`POST /v1/messages`), inbound and outbound. */
import type { Codec } from "../codec.ts";
import { renderError, upstreamErrorMessage } from "./errors.ts";
import { toUnifiedRequest } from "./request_decode.ts";
import { fromUnifiedRequest } from "./request_encode.ts";
import { toUnifiedResponse } from "./response_decode.ts";
import { fromUnifiedResponse } from "./response_encode.ts";
import { createStreamDecoder } from "./stream_decode.ts";
import { createStreamEncoder } from "./stream_encode.ts";

/** Versioning: every request names the API version it was written against. */
export const ANTHROPIC_VERSION = "2023-06-01";

export const messagesCodec: Codec = {
  api: "messages",
  toUnifiedRequest,
  fromUnifiedResponse,
  createStreamEncoder,
  renderError,
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
  withModel: (body, model) => ({ ...body, model }),
};
