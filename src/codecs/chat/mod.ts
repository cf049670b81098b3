/**
 * The OpenAI Chat Completions codec (`POST /v1/chat/completions`), inbound and outbound.
 * Reference: platform.openai.com/docs/api-reference/chat.
 */
import type { InboundCodec } from "../codec.ts";
import { OPENAI_MODEL_LIST } from "../model_list.ts";
import { statusOutsideAnthropic } from "../unified.ts";
import { renderError, upstreamErrorMessage } from "../openai_errors.ts";
import { toUnifiedRequest } from "./request_decode.ts";
import { fromUnifiedRequest } from "./request_encode.ts";
import { toUnifiedResponse } from "./response_decode.ts";
import { fromUnifiedResponse } from "./response_encode.ts";
import { createStreamDecoder } from "./stream_decode.ts";
import { createStreamEncoder } from "./stream_encode.ts";
import {
  mayCarryUsage,
  streamUsageRequest,
  upstreamHeaders,
  upstreamUrl,
  withModel,
} from "./upstream.ts";

export const chatCodec: InboundCodec = {
  api: "chat",
  routes: [{ path: "/v1/chat/completions" }],
  recognise: { headers: [] },
  toUnifiedRequest,
  fromUnifiedResponse,
  createStreamEncoder,
  errorStatus: statusOutsideAnthropic,
  renderError,
  models: OPENAI_MODEL_LIST,
  passThrough: { withModel, streamUsageRequest, mayCarryUsage, forwardedHeaders: [] },
  fromUnifiedRequest,
  toUnifiedResponse,
  createStreamDecoder,
  upstreamUrl,
  upstreamHeaders,
  upstreamErrorMessage,
};
