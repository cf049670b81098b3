/** Building HTTP responses: JSON bodies and errors in the caller's dialect. */
import type { InboundCodec } from "../codecs/codec.ts";
import { GatewayError } from "../codecs/unified.ts";
import { scrubSecrets } from "../auth/secrets.ts";

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

/** The error with the status the caller's dialect gives it (`ClientDialect.errorStatus`). */
function statusInDialect(codec: InboundCodec, error: GatewayError): GatewayError {
  const status = codec.errorStatus(error);
  // Error messages often quote a provider: no secret it echoed reaches the client.
  const message = scrubSecrets(error.message);
  if (status === error.status && message === error.message) return error;
  return new GatewayError(error.kind, message, {
    status,
    param: error.param,
    retryAfter: error.retryAfter,
    code: error.code,
  });
}

export function errorResponse(
  codec: InboundCodec,
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
