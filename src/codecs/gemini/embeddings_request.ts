/**
 * Gemini embeddings requests, both ways.
 * Reference: ai.google.dev/api/embeddings: `models.embedContent` takes one `EmbedContentRequest`
 * (`content`, `taskType`, `title`, `outputDimensionality`); `models.batchEmbedContents` takes
 * `requests[]` of them, each naming the same model as the URL. A batch holds at most 100
 * requests (the API's 400: "at most 100 requests can be in one batch").
 */
import type {
  EmbeddingInbound,
  EmbeddingItem,
  EmbeddingTarget,
  UnifiedEmbeddingRequest,
} from "../embeddings.ts";
import { isObject, type JsonObject } from "../json_guards.ts";
import { optionalPositiveInteger, optionalString } from "../request_fields.ts";
import { invalidRequest } from "../unified.ts";

export const GEMINI_MAX_BATCH = 100;

export function decodeEmbeddingRequest(
  body: unknown,
  ctx: EmbeddingInbound,
): UnifiedEmbeddingRequest {
  if (!isObject(body)) throw invalidRequest("request body must be a JSON object");
  const model = ctx.model === undefined ? "" : withoutPrefix(ctx.model);
  if (model === "") throw invalidRequest("model: required in the URL", "model");
  let items: EmbeddingItem[];
  if (ctx.single === true) {
    items = [decodeOne(body, "", model)];
  } else {
    const requests = body.requests;
    if (!Array.isArray(requests) || requests.length === 0) {
      throw invalidRequest("requests: required, expected a non-empty array", "requests");
    }
    if (requests.length > GEMINI_MAX_BATCH) {
      throw invalidRequest(
        `requests: at most ${GEMINI_MAX_BATCH} requests can be in one batch, got ${requests.length}`,
        "requests",
      );
    }
    items = requests.map((entry, index) => {
      if (!isObject(entry)) throw invalidRequest(`requests[${index}]: expected an object`);
      return decodeOne(entry, `requests[${index}].`, model);
    });
  }
  return {
    model,
    items,
    encoding: "float",
    single: ctx.single === true,
    raw: body,
    apiIn: "gemini",
  };
}

function decodeOne(request: JsonObject, at: string, model: string): EmbeddingItem {
  const named = optionalString(request.model, `${at}model`);
  if (named !== undefined && withoutPrefix(named) !== model) {
    throw invalidRequest(
      `${at}model: '${named}' does not match the model of the URL, 'models/${model}'`,
      `${at}model`,
    );
  }
  const content = request.content;
  if (!isObject(content) || !Array.isArray(content.parts) || content.parts.length === 0) {
    throw invalidRequest(`${at}content: required, expected an object with parts`, `${at}content`);
  }
  const texts: string[] = [];
  let hasNonTextParts = false;
  content.parts.forEach((part, index) => {
    if (!isObject(part)) throw invalidRequest(`${at}content.parts[${index}]: expected an object`);
    if (typeof part.text === "string") texts.push(part.text);
    else hasNonTextParts = true;
  });
  const text = texts.filter((t) => t !== "").join("\n");
  if (text === "" && !hasNonTextParts) {
    throw invalidRequest(`${at}content: the text to embed must not be empty`, `${at}content`);
  }
  const item: EmbeddingItem = { input: { kind: "text", text }, geminiContent: content };
  if (hasNonTextParts) item.hasNonTextParts = true;
  const taskType = optionalString(request.taskType, `${at}taskType`);
  if (taskType !== undefined) item.taskType = taskType;
  const title = optionalString(request.title, `${at}title`);
  if (title !== undefined) item.title = title;
  const dimensions = optionalPositiveInteger(
    request.outputDimensionality,
    `${at}outputDimensionality`,
  );
  if (dimensions !== undefined) item.dimensions = dimensions;
  return item;
}

function withoutPrefix(model: string): string {
  return model.startsWith("models/") ? model.slice("models/".length) : model;
}

/**
 * One `batchEmbedContents` body. Token ids cannot be expressed (the API embeds content, not
 * token ids), so they are a 400 rather than a guess at the text they stood for.
 */
export function encodeEmbeddingRequest(
  items: EmbeddingItem[],
  target: EmbeddingTarget,
): Record<string, unknown> {
  const model = `models/${withoutPrefix(target.model)}`;
  const requests = items.map((item) => {
    if (item.input.kind === "tokens") {
      throw invalidRequest(
        "input: token-id inputs cannot be sent to a Gemini embedding model, which embeds text " +
          "only; send the text instead",
        "input",
      );
    }
    const request: Record<string, unknown> = {
      model,
      content: item.geminiContent ?? { parts: [{ text: item.input.text }] },
    };
    if (item.taskType !== undefined) request.taskType = item.taskType;
    if (item.title !== undefined) request.title = item.title;
    if (item.dimensions !== undefined) request.outputDimensionality = item.dimensions;
    return request;
  });
  return { requests };
}

/** `{base}/models/{model}:batchEmbedContents`: one call for many inputs. */
export function embeddingUrl(baseUrl: string, model: string): string {
  return `${baseUrl}/models/${withoutPrefix(model)}:batchEmbedContents`;
}
