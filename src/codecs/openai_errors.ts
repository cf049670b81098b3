/**
 * Errors in the OpenAI dialect, shared by chat completions and Responses (both use the same
 * body): `{"error":{"message","type","param","code"}}`.
 * Reference: platform.openai.com/docs/guides/error-codes (API errors).
 */
import { type ErrorKind, type GatewayError, kindForStatus } from "./unified.ts";
import { isObject, type JsonObject, objectField, parseJson, stringField } from "./json_guards.ts";

const OPENAI_ERROR_TYPE: Record<ErrorKind, string> = {
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

export function openAiErrorType(kind: ErrorKind): string {
  return OPENAI_ERROR_TYPE[kind];
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function renderError(err: GatewayError): OpenAiErrorBody {
  return {
    error: {
      message: err.message,
      type: OPENAI_ERROR_TYPE[err.kind],
      param: err.param ?? null,
      code: err.code ?? null,
    },
  };
}

/**
 * The kind of an error object found in a 200 body or mid-stream. Prefers a numeric `code`
 * (some servers put the HTTP status there), then the `type`/`code` names OpenAI uses.
 */
export function errorKindFor(error: JsonObject): ErrorKind {
  if (typeof error.code === "number") return kindForStatus(error.code);
  const names = [stringField(error, "type"), stringField(error, "code")];
  for (const name of names) {
    if (name === undefined) continue;
    // Azure names a content-filter refusal `content_filter` (concepts/content-filter).
    if (name === "invalid_request_error" || name === "content_filter") return "invalid_request";
    if (name === "authentication_error" || name === "invalid_api_key") return "authentication";
    if (name === "permission_error") return "permission";
    if (name === "not_found_error") return "not_found";
    if (name.startsWith("rate_limit") || name === "insufficient_quota") return "rate_limit";
    if (name.startsWith("overloaded")) return "overloaded";
  }
  return "api_error";
}

/** The message inside an upstream error body; never echoes raw non-JSON text. */
export function upstreamErrorMessage(status: number, bodyText: string): string {
  const body = parseJson(bodyText);
  const holder = Array.isArray(body) ? body[0] : body;
  if (isObject(holder)) {
    const error = objectField(holder, "error");
    const message = (error === undefined ? undefined : stringField(error, "message")) ??
      stringField(holder, "error") ?? stringField(holder, "message") ??
      stringField(holder, "detail");
    if (message !== undefined && message !== "") return message;
  }
  return `upstream returned HTTP ${status}`;
}
