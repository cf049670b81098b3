/**
 * The OpenAI Responses API codec (OpenAI API reference, "Responses"), inbound and outbound.
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

/**
 * Frames worth parsing on a pass-through stream once the first token was seen: usage, an error,
 * or the end (`response.completed`, `response.incomplete`, `response.failed`).
 */
const MAY_CARRY_USAGE = /"usage"\s*:\s*\{|"error"|fail|complete/;

export const responsesCodec: InboundCodec = {
  api: "responses",
  routes: [{ path: "/v1/responses" }],
  recognise: { paths: /^\/v1\/responses(?:\/|$)/, headers: [] },
  toUnifiedRequest,
  fromUnifiedResponse,
  createStreamEncoder,
  errorStatus: statusOutsideAnthropic,
  renderError,
  models: OPENAI_MODEL_LIST,
  passThrough: {
    withModel: (body, model) => ({ ...body, model }),
    mayCarryUsage: (data) => MAY_CARRY_USAGE.test(data),
    forwardedHeaders: [],
  },
  fromUnifiedRequest,
  toUnifiedResponse,
  createStreamDecoder,
  upstreamUrl: (baseUrl) => `${baseUrl}/responses`,
  upstreamHeaders: (apiKey): Record<string, string> =>
    apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
  upstreamErrorMessage,
};
