/** Errors in the Anthropic dialect (API reference, "Errors": HTTP errors and their `type`). */
import type { ErrorKind, GatewayError } from "../unified.ts";
import { DEFAULT_STATUS } from "../unified.ts";
import { isObject, parseJson, stringField } from "../json_guards.ts";

const ERROR_TYPE_FOR_KIND: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  request_too_large: "request_too_large",
  rate_limit: "rate_limit_error",
  api_error: "api_error",
  overloaded: "overloaded_error",
  timeout: "timeout_error",
  bad_gateway: "api_error",
  unavailable: "overloaded_error",
};

const KIND_FOR_ERROR_TYPE: Record<string, ErrorKind> = {
  invalid_request_error: "invalid_request",
  authentication_error: "authentication",
  permission_error: "permission",
  not_found_error: "not_found",
  request_too_large: "request_too_large",
  rate_limit_error: "rate_limit",
  api_error: "api_error",
  overloaded_error: "overloaded",
  timeout_error: "timeout",
};

export function errorTypeForKind(kind: ErrorKind): string {
  return ERROR_TYPE_FOR_KIND[kind];
}

/** The kind an Anthropic error `type` stands for; unknown types count as `api_error`. */
export function kindForErrorType(type: string | undefined): ErrorKind {
  return (type !== undefined ? KIND_FOR_ERROR_TYPE[type] : undefined) ?? "api_error";
}

export interface WireError {
  type: "error";
  error: { type: string; message: string };
}

export function errorBody(kind: ErrorKind, message: string): WireError {
  return { type: "error", error: { type: errorTypeForKind(kind), message } };
}

export function renderError(error: GatewayError): WireError {
  return errorBody(error.kind, error.message);
}

/** The `{type, message}` inside an Anthropic error body, if the value is one. */
export function readWireError(value: unknown): { type?: string; message: string } | undefined {
  if (!isObject(value) || !isObject(value.error)) return undefined;
  const message = stringField(value.error, "message");
  if (message === undefined) return undefined;
  return { type: stringField(value.error, "type"), message };
}

export function upstreamErrorMessage(status: number, bodyText: string): string {
  const error = readWireError(parseJson(bodyText));
  if (error !== undefined) return error.message;
  return `upstream Anthropic API answered HTTP ${status} without a readable error body`;
}

/** Status for an in-stream error event, from its `type`. */
export function statusForErrorType(type: string | undefined): number {
  return DEFAULT_STATUS[kindForErrorType(type)];
}
