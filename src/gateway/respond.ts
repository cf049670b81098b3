/** Building HTTP responses: JSON bodies and errors in the caller's dialect. */
import type { Codec } from "../codecs/codec.ts";
import type { GatewayError } from "../codecs/unified.ts";

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

export function errorResponse(
  codec: Codec,
  error: GatewayError,
  headers: Record<string, string> = {},
): Response {
  const extra: Record<string, string> = { ...headers };
  if (error.retryAfter !== undefined) extra["retry-after"] = String(Math.ceil(error.retryAfter));
  return jsonResponse(codec.renderError(error), error.status, extra);
}
