/**
 * The OpenAI Responses API codec (OpenAI API reference, "Responses"), inbound and outbound.
 */
import type { Codec } from "../codec.ts";
import { renderError, upstreamErrorMessage } from "../openai_errors.ts";
import { toUnifiedRequest } from "./request_decode.ts";
import { fromUnifiedRequest } from "./request_encode.ts";
import { toUnifiedResponse } from "./response_decode.ts";
import { fromUnifiedResponse } from "./response_encode.ts";
import { createStreamDecoder } from "./stream_decode.ts";
import { createStreamEncoder } from "./stream_encode.ts";

export const responsesCodec: Codec = {
  api: "responses",
  toUnifiedRequest,
  fromUnifiedResponse,
  createStreamEncoder,
  renderError,
  fromUnifiedRequest,
  toUnifiedResponse,
  createStreamDecoder,
  upstreamUrl: (baseUrl) => `${baseUrl}/responses`,
  upstreamHeaders: (apiKey): Record<string, string> =>
    apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
  upstreamErrorMessage,
  withModel: (body, model) => ({ ...body, model }),
};
