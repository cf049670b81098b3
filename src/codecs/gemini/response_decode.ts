/**
 * Outbound: a Gemini `GenerateContentResponse` -> unified response
 * (ai.google.dev/api/generate-content#v1beta.GenerateContentResponse).
 */
import { GatewayError, type UnifiedRequest, type UnifiedResponse } from "../unified.ts";
import { errorObject, gatewayErrorFrom } from "./errors.ts";
import { responseFromEvents } from "../events_to_response.ts";
import { isObject } from "../json_guards.ts";
import { GeminiChunkDecoder } from "./stream_decode.ts";

export function toUnifiedResponse(body: unknown, request: UnifiedRequest): UnifiedResponse {
  const error = errorObject(body);
  if (error !== undefined) throw gatewayErrorFrom(error, 502);
  // `streamGenerateContent` without `alt=sse` answers a JSON array of chunks: read them in turn.
  const chunks = Array.isArray(body) ? body : [body];
  if (!chunks.every(isObject)) {
    throw new GatewayError("bad_gateway", "Gemini upstream answered with an unexpected body");
  }
  const decoder = new GeminiChunkDecoder(request);
  const events = chunks.flatMap((chunk) => decoder.decodeChunk(chunk));
  return responseFromEvents([...events, ...decoder.endOfBody()]);
}
