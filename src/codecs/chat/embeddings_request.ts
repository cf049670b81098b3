/**
 * OpenAI embeddings requests, both ways.
 * Reference: platform.openai.com/docs/api-reference/embeddings/create (request body): `input` is
 * a string, an array of strings, an array of token ids or an array of token-id arrays; it
 * "cannot be an empty string, and any array must be 2048 dimensions or less".
 */
import type {
  EmbeddingInbound,
  EmbeddingInput,
  EmbeddingItem,
  EmbeddingTarget,
  UnifiedEmbeddingRequest,
} from "../embeddings.ts";
import { isObject } from "../json_guards.ts";
import { optionalPositiveInteger, optionalString } from "../request_fields.ts";
import { invalidRequest } from "../unified.ts";

/** "any array must be 2048 dimensions or less" (the `input` field of the API reference). */
export const OPENAI_MAX_INPUTS = 2048;

export function decodeEmbeddingRequest(
  body: unknown,
  _ctx: EmbeddingInbound,
): UnifiedEmbeddingRequest {
  if (!isObject(body)) throw invalidRequest("request body must be a JSON object");
  const model = body.model;
  if (typeof model !== "string" || model === "") {
    throw invalidRequest("model: required, expected a non-empty string", "model");
  }
  const encoding = body.encoding_format ?? "float";
  if (encoding !== "float" && encoding !== "base64") {
    throw invalidRequest(
      `encoding_format: expected 'float' or 'base64', got ${JSON.stringify(encoding)}`,
      "encoding_format",
    );
  }
  const dimensions = optionalPositiveInteger(body.dimensions, "dimensions");
  const user = optionalString(body.user, "user");
  const items = decodeInputs(body.input).map((input): EmbeddingItem =>
    dimensions === undefined ? { input } : { input, dimensions }
  );
  const request: UnifiedEmbeddingRequest = { model, items, encoding, raw: body, apiIn: "chat" };
  if (user !== undefined) request.user = user;
  return request;
}

function decodeInputs(input: unknown): EmbeddingInput[] {
  if (input === undefined || input === null) {
    throw invalidRequest("input: required, expected a string or an array", "input");
  }
  if (typeof input === "string") return [textInput(input, "input")];
  if (!Array.isArray(input)) {
    throw invalidRequest("input: expected a string or an array of strings or tokens", "input");
  }
  if (input.length === 0) throw invalidRequest("input: must not be an empty array", "input");
  // A flat array of numbers is ONE input given as token ids.
  if (typeof input[0] === "number") return [tokenInput(input, "input")];
  if (input.length > OPENAI_MAX_INPUTS) {
    throw invalidRequest(
      `input: at most ${OPENAI_MAX_INPUTS} inputs per request, got ${input.length}`,
      "input",
    );
  }
  const kind = typeof input[0] === "string" ? "string" : "tokens";
  return input.map((entry, index) => {
    const where = `input[${index}]`;
    if (kind === "string") {
      if (typeof entry !== "string") {
        throw invalidRequest(`${where}: expected a string like the other inputs`, "input");
      }
      return textInput(entry, where);
    }
    if (!Array.isArray(entry)) {
      throw invalidRequest(`${where}: expected a string or an array of token ids`, "input");
    }
    return tokenInput(entry, where);
  });
}

function textInput(text: string, where: string): EmbeddingInput {
  if (text === "") throw invalidRequest(`${where}: must not be an empty string`, "input");
  return { kind: "text", text };
}

function tokenInput(tokens: unknown[], where: string): EmbeddingInput {
  if (tokens.length === 0) throw invalidRequest(`${where}: must not be an empty array`, "input");
  for (const token of tokens) {
    if (typeof token !== "number" || !Number.isInteger(token) || token < 0) {
      throw invalidRequest(`${where}: token ids must be non-negative integers`, "input");
    }
  }
  return { kind: "tokens", tokens: tokens as number[] };
}

/**
 * One upstream call's body. A client speaking this API keeps every field it sent (vendor fields
 * such as `input_type` included) with only `model` and `input` replaced; others get `model`,
 * `input` and `dimensions`, and floats (the default) so that any compatible server understands.
 */
export function encodeEmbeddingRequest(
  items: EmbeddingItem[],
  target: EmbeddingTarget,
): Record<string, unknown> {
  const input = items.map((item) => {
    if (item.hasNonTextParts) {
      throw invalidRequest(
        "content: parts other than text cannot be embedded by an OpenAI-compatible model",
        "content",
      );
    }
    return item.input.kind === "text" ? item.input.text : item.input.tokens;
  });
  if (target.request.apiIn === "chat") return { ...target.request.raw, model: target.model, input };
  const body: Record<string, unknown> = { model: target.model, input };
  const dimensions = items[0]?.dimensions;
  if (dimensions !== undefined) body.dimensions = dimensions;
  return body;
}

/** One `dimensions` per call: items asking for different sizes go in separate calls. */
export function embeddingCallKey(item: EmbeddingItem): string {
  return String(item.dimensions ?? "");
}
