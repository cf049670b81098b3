/**
 * Amazon Bedrock's Converse API (`POST /model/{modelId}/converse` and `/converse-stream`),
 * outbound only: no client speaks Converse to Plexus.
 */
import type { OutboundCodec } from "../codec.ts";
import { signBedrockCall } from "./auth.ts";
import { kindForErrorType, upstreamErrorMessage } from "./errors.ts";
import { ConverseStreamFrames } from "./event_frames.ts";
import { fromUnifiedRequest } from "./request_encode.ts";
import { toUnifiedResponse } from "./response_decode.ts";
import { createStreamDecoder } from "./stream_decode.ts";

/**
 * "Converse" / "ConverseStream", URI request parameters: the model id is one path segment, so
 * the `:` of versioned ids and the `/` of ARNs are percent-encoded.
 */
export function converseUrl(baseUrl: string, model: string, stream: boolean): string {
  return `${baseUrl}/model/${encodeURIComponent(model)}/${stream ? "converse-stream" : "converse"}`;
}

export const bedrockCodec: OutboundCodec = {
  api: "bedrock",
  fromUnifiedRequest,
  toUnifiedResponse,
  createStreamDecoder,
  upstreamUrl: converseUrl,
  // A Bedrock API key is a bearer token ("Use an Amazon Bedrock API key"); SigV4 is signed later.
  upstreamHeaders: (apiKey): Record<string, string> =>
    apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` },
  upstreamErrorMessage,
  // "Common Errors": the `x-amzn-errortype` header names the error, e.g. a 400 quota error.
  upstreamErrorKind: (_status, headers) =>
    kindForErrorType(headers.get("x-amzn-errortype") ?? undefined),
  signUpstream: signBedrockCall,
  createFrameReader: () => new ConverseStreamFrames(),
};
