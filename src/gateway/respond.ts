/** Building HTTP responses: JSON bodies and errors in the caller's dialect. */
import type { Codec } from "../codecs/codec.ts";
import { GatewayError } from "../codecs/unified.ts";

export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** 529 is Anthropic's own "overloaded" status; the other APIs say 503 for the same thing. */
function statusInDialect(codec: Codec, error: GatewayError): GatewayError {
  if (error.status !== 529 || codec.api === "messages") return error;
  return new GatewayError(error.kind, error.message, {
    status: 503,
    param: error.param,
    retryAfter: error.retryAfter,
    code: error.code,
  });
}

export function errorResponse(
  codec: Codec,
  original: GatewayError,
  headers: Record<string, string> = {},
): Response {
  const error = statusInDialect(codec, original);
  const extra: Record<string, string> = { ...headers };
  if (error.retryAfter !== undefined) extra["retry-after"] = String(Math.ceil(error.retryAfter));
  return jsonResponse(codec.renderError(error), error.status, extra);
}

/** A thrown value as the error a client may see: unexpected ones are logged, never shown. */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  console.error("plexus: unexpected error:", error instanceof Error ? error.message : error);
  return new GatewayError("api_error", "Internal error in the gateway.");
}
