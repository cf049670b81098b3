/**
 * How much work one request may ask for: messages, content parts and tools beyond the configured
 * limits are refused with a 413 before anything is translated or sent upstream.
 */
import { GatewayError, type UnifiedRequest } from "../codecs/unified.ts";
import type { Limits } from "../config/limits.ts";

export function checkRequestLimits(
  request: UnifiedRequest,
  limits: Pick<Limits, "maxMessages" | "maxParts" | "maxTools">,
): void {
  if (request.messages.length > limits.maxMessages) {
    throw tooMuch(`${request.messages.length} messages`, `${limits.maxMessages} messages`);
  }
  let parts = 0;
  for (const message of request.messages) parts += message.content.length;
  if (parts > limits.maxParts) {
    throw tooMuch(`${parts} content parts`, `${limits.maxParts} content parts`);
  }
  const tools = request.tools?.length ?? 0;
  if (tools > limits.maxTools) throw tooMuch(`${tools} tools`, `${limits.maxTools} tools`);
}

function tooMuch(found: string, limit: string): GatewayError {
  return new GatewayError(
    "request_too_large",
    `Request has ${found}; this gateway accepts at most ${limit} per request.`,
  );
}
