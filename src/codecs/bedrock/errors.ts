/**
 * Bedrock errors: HTTP error bodies `{"message": ...}` named by the `x-amzn-errortype` header
 * (API Reference, "Converse", Errors; "Common Errors"), and the exception events of a
 * ConverseStream ("ConverseStreamOutput": internalServerException, modelStreamErrorException,
 * validationException, throttlingException, serviceUnavailableException).
 */
import type { ErrorKind } from "../unified.ts";
import { DEFAULT_STATUS } from "../unified.ts";
import { isObject, parseJson, stringField } from "../json_guards.ts";

/** Error type names, lower-cased and without `Exception`, to the kind each stands for. */
const KIND_FOR_ERROR_TYPE = new Map<string, ErrorKind>([
  ["validation", "invalid_request"],
  ["serializationexception", "invalid_request"],
  ["accessdenied", "permission"],
  ["unrecognizedclient", "authentication"],
  ["invalidsignature", "authentication"],
  ["expiredtoken", "authentication"],
  ["incompletesignature", "authentication"],
  ["missingauthenticationtoken", "authentication"],
  ["resourcenotfound", "not_found"],
  ["throttling", "rate_limit"],
  ["servicequotaexceeded", "rate_limit"],
  ["modelnotready", "unavailable"],
  ["modeltimeout", "timeout"],
  ["modelerror", "bad_gateway"],
  ["modelstreamerror", "bad_gateway"],
  ["internalserver", "api_error"],
  ["serviceunavailable", "unavailable"],
]);

/**
 * The kind an error type stands for (`ThrottlingException`, `throttlingException`, or the
 * header form `ThrottlingException:http://internal.amazon.com/...`); undefined when unknown.
 */
export function kindForErrorType(type: string | undefined): ErrorKind | undefined {
  if (type === undefined) return undefined;
  const name = type.split(":")[0].trim().toLowerCase().replace(/exception$/, "");
  return KIND_FOR_ERROR_TYPE.get(name) ?? KIND_FOR_ERROR_TYPE.get(`${name}exception`);
}

/** The status Bedrock itself gives each kind of stream exception. */
export function statusForKind(kind: ErrorKind): number {
  return DEFAULT_STATUS[kind];
}

/** The human message of an error body: `message` (or `Message`, which some AWS errors use). */
export function upstreamErrorMessage(status: number, bodyText: string): string {
  const body = parseJson(bodyText);
  if (isObject(body)) {
    const message = stringField(body, "message") ?? stringField(body, "Message");
    if (message !== undefined) return message;
  }
  return `upstream Bedrock answered HTTP ${status} without a readable error body`;
}
