/**
 * The OpenAI Chat Completions codec (`POST /v1/chat/completions`), inbound and outbound.
 * Reference: platform.openai.com/docs/api-reference/chat.
 */
import type { Codec } from "../codec.ts";
import { renderError, upstreamErrorMessage } from "../openai_errors.ts";
import { toUnifiedRequest } from "./request_decode.ts";
import { fromUnifiedRequest } from "./request_encode.ts";
import { toUnifiedResponse } from "./response_decode.ts";
import { fromUnifiedResponse } from "./response_encode.ts";
import { createStreamDecoder } from "./stream_decode.ts";
import { createStreamEncoder } from "./stream_encode.ts";
import { streamUsageRequest, upstreamHeaders, upstreamUrl, withModel } from "./upstream.ts";

export const chatCodec: Codec = {
  api: "chat",
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
  withModel,
  streamUsageRequest,
};
