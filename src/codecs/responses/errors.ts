/**
 * Errors in the Responses dialect (OpenAI API reference, "Error codes"): the body is
 * `{"error":{"message","type","param","code"}}`, the same as chat completions.
 */
import type { ErrorKind, GatewayError } from "../unified.ts";
import { isObject, objectField, parseJson, stringField } from "../json_guards.ts";

const ERROR_TYPE: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  request_too_large: "invalid_request_error",
  rate_limit: "rate_limit_error",
  api_error: "server_error",
  overloaded: "server_error",
  timeout: "server_error",
  bad_gateway: "server_error",
  unavailable: "server_error",
};

export function renderError(error: GatewayError): unknown {
  return {
    error: {
      message: error.message,
      type: ERROR_TYPE[error.kind],
      param: error.param ?? null,
      code: error.code ?? null,
    },
  };
}

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

/** The message inside an upstream error body; never the raw body, which could be anything. */
export function upstreamErrorMessage(status: number, bodyText: string): string {
  const body = parseJson(bodyText);
  if (isObject(body)) {
    const error = objectField(body, "error");
    const message = (error && stringField(error, "message")) ?? stringField(body, "message");
    if (message !== undefined && message !== "") return message;
    if (typeof body.error === "string" && body.error !== "") return body.error;
  }
  return `upstream answered HTTP ${status} without a readable error message`;
}
