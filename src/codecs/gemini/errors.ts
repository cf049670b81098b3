/**
 * Gemini error bodies: `{"error":{"code","message","status"}}`
 * (ai.google.dev/gemini-api/docs/troubleshooting#error-codes).
 */
import { type ErrorKind, GatewayError, kindForStatus } from "../unified.ts";
import { isObject, numberField, stringField } from "../json_guards.ts";
import type { GeminiErrorBody, GeminiErrorStatus } from "./wire.ts";

const STATUS_FOR_KIND: Record<ErrorKind, GeminiErrorStatus> = {
  invalid_request: "INVALID_ARGUMENT",
  authentication: "UNAUTHENTICATED",
  permission: "PERMISSION_DENIED",
  not_found: "NOT_FOUND",
  request_too_large: "INVALID_ARGUMENT",
  rate_limit: "RESOURCE_EXHAUSTED",
  api_error: "INTERNAL",
  overloaded: "UNAVAILABLE",
  timeout: "DEADLINE_EXCEEDED",
  bad_gateway: "INTERNAL",
  unavailable: "UNAVAILABLE",
};

export function renderError(error: GatewayError): GeminiErrorBody {
  return errorBody(error.kind, error.message, error.status);
}

export function errorBody(kind: ErrorKind, message: string, status: number): GeminiErrorBody {
  return { error: { code: status, message, status: STATUS_FOR_KIND[kind] } };
}

/** The `error` object of a Gemini error body; also inside the JSON-array stream form. */
export function errorObject(body: unknown): Record<string, unknown> | undefined {
  const first = Array.isArray(body) ? body[0] : body;
  if (!isObject(first) || !isObject(first["error"])) return undefined;
  return first["error"];
}

export function upstreamErrorMessage(status: number, bodyText: string): string {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return `Gemini upstream answered HTTP ${status}`;
  }
  const error = errorObject(body);
  const message = error === undefined ? undefined : stringField(error, "message");
  return message ?? `Gemini upstream answered HTTP ${status}`;
}

/** An error object read off the upstream (a body or a stream chunk), as a gateway error. */
export function gatewayErrorFrom(
  error: Record<string, unknown>,
  fallbackStatus: number,
): GatewayError {
  const status = numberField(error, "code") ?? fallbackStatus;
  const message = stringField(error, "message") ?? "Gemini upstream error";
  return new GatewayError(kindForGeminiError(status, stringField(error, "status")), message, {
    status,
  });
}

function kindForGeminiError(status: number, name: string | undefined): ErrorKind {
  if (name === "RESOURCE_EXHAUSTED") return "rate_limit";
  if (name === "UNAUTHENTICATED") return "authentication";
  if (name === "PERMISSION_DENIED") return "permission";
  if (name === "NOT_FOUND") return "not_found";
  if (name === "DEADLINE_EXCEEDED") return "timeout";
  if (name === "UNAVAILABLE") return "unavailable";
  if (name === "INVALID_ARGUMENT" || name === "FAILED_PRECONDITION") return "invalid_request";
  return kindForStatus(status);
}
