/**
 * Error codes of the Responses stream (OpenAI API reference, "Streaming events" ->
 * `response.failed`). Error bodies are the same as chat's: see `../openai_errors.ts`.
 */
import type { ErrorKind } from "../unified.ts";

/** `response.error.code` values a streamed `response.failed` may carry. */
export function failedCodeForKind(kind: ErrorKind): string {
  if (kind === "rate_limit") return "rate_limit_exceeded";
  if (kind === "invalid_request" || kind === "request_too_large") return "invalid_prompt";
  return "server_error";
}

/** The kind of an error reported inside a stream, judged from its code or type. */
export function kindForErrorCode(code: string | undefined): ErrorKind {
  if (code === undefined) return "api_error";
  if (code.includes("rate_limit") || code === "insufficient_quota") return "rate_limit";
  if (code.includes("invalid") || code === "context_length_exceeded") return "invalid_request";
  if (code.includes("auth")) return "authentication";
  if (code.includes("permission")) return "permission";
  if (code.includes("not_found")) return "not_found";
  return "api_error";
}
