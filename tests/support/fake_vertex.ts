/**
 * A fake Vertex AI that follows the documented request shapes and refuses anything else:
 * - Gemini: POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent and
 *   `:streamGenerateContent` (`?alt=sse` for SSE, a JSON array without); every content needs a
 *   role of `user` or `model` (cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/
 *   Content);
 * - Claude: …/publishers/anthropic/models/{m}:rawPredict and `:streamRawPredict`, body without
 *   `model`, with `anthropic_version: "vertex-2023-10-16"` (docs.anthropic.com/en/api/
 *   claude-on-vertex-ai);
 * - `Authorization: Bearer` with a token the fake token endpoint issued, else 401
 *   UNAUTHENTICATED in Google's error format.
 */
import {
  type Answer,
  type CloudFake,
  type CloudReply,
  type CloudRequest,
  startCloudFake,
} from "./cloud_fake_server.ts";
import { isRecord } from "./fixtures.ts";
import {
  defaultScenario,
  errorBody,
  jsonBody,
  type JsonObject,
  streamEvents,
} from "./wire_scenarios.ts";

const ROUTE =
  /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):(\w+)$/;

export interface FakeVertexOptions {
  project: string;
  location: string;
  /** Whether a bearer token is currently valid. */
  isValidToken(token: string): boolean;
}

function googleError(status: number, message: string): Answer {
  return { status, body: errorBody("gemini", status, message) };
}

export function startFakeVertex(options: FakeVertexOptions): CloudFake {
  return startCloudFake((request, reply) => {
    const match = ROUTE.exec(request.path);
    if (request.method !== "POST" || match === null) {
      return googleError(404, `The requested URL ${request.path} was not found on this server.`);
    }
    const [, project, location, publisher, model, action] = match;
    if (project !== options.project || location !== options.location) {
      return googleError(404, `Project or location not found: ${project}/${location}`);
    }
    const token = /^Bearer (.+)$/.exec(request.headers["authorization"] ?? "")?.[1];
    if (token === undefined || !options.isValidToken(token)) {
      return googleError(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token.",
      );
    }
    if (reply?.kind === "error") {
      return { status: reply.status, body: reply.body, headers: reply.headers };
    }
    if (!isRecord(request.body)) return googleError(400, "Invalid JSON payload received.");
    if (publisher === "google" && action === "predict") {
      return embeddingAnswer(request.body, decodeURIComponent(model));
    }
    return publisher === "google"
      ? geminiAnswer(request, decodeURIComponent(model), action, reply)
      : claudeAnswer(request, decodeURIComponent(model), action, reply);
  });
}

function geminiAnswer(
  request: CloudRequest,
  model: string,
  action: string,
  reply: CloudReply | undefined,
): Answer {
  if (action !== "generateContent" && action !== "streamGenerateContent") {
    return googleError(400, `Unknown method ${action}`);
  }
  const body = request.body as JsonObject;
  const contents = Array.isArray(body.contents) ? body.contents : [];
  if (contents.length === 0) return googleError(400, "contents is not specified");
  for (const content of contents) {
    if (!isRecord(content) || (content.role !== "user" && content.role !== "model")) {
      return googleError(400, "Please use a valid role: user, model.");
    }
  }
  const scenario = {
    ...defaultScenario("gemini", model, `vtx${Date.now()}`),
    ...(reply?.kind === "scenario" ? reply.scenario : {}),
  };
  if (action === "generateContent") {
    return {
      status: 200,
      body: { ...jsonBody("gemini", scenario), createTime: "2026-01-01T00:00:00Z" },
    };
  }
  const chunks = streamEvents("gemini", scenario).map((chunk) => JSON.stringify(chunk));
  if (request.query.get("alt") !== "sse") {
    return { status: 200, body: chunks.map((chunk) => JSON.parse(chunk)) };
  }
  // Vertex ends its SSE lines with CRLF.
  return { status: 200, frames: chunks.map((chunk) => `data: ${chunk}\r\n\r\n`) };
}

function anthropicError(status: number, message: string): Answer {
  return { status, body: errorBody("messages", status, message) };
}

function claudeAnswer(
  request: CloudRequest,
  model: string,
  action: string,
  reply: CloudReply | undefined,
): Answer {
  const body = request.body as JsonObject;
  if (action !== "rawPredict" && action !== "streamRawPredict") {
    return googleError(400, `Unknown method ${action}`);
  }
  if (body.anthropic_version !== "vertex-2023-10-16") {
    return anthropicError(400, "anthropic_version: Input should be 'vertex-2023-10-16'");
  }
  if ("model" in body) return anthropicError(400, "model: Extra inputs are not permitted");
  if (typeof body.max_tokens !== "number") return anthropicError(400, "max_tokens: Field required");
  const streamed = action === "streamRawPredict";
  if ((body.stream === true) !== streamed) {
    return anthropicError(400, `stream must be ${streamed} for ${action}`);
  }
  if (reply?.kind === "raw_stream") return { status: 200, frames: reply.frames };
  const scenario = {
    ...defaultScenario("messages", model, `vrtx_${Date.now()}`),
    ...(reply?.kind === "scenario" ? reply.scenario : {}),
  };
  if (!streamed) return { status: 200, body: jsonBody("messages", scenario) };
  const frames = streamEvents("messages", scenario).map((event) =>
    `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
  );
  return { status: 200, frames };
}

/** A vector that tells which text it came from: its length, then its position. */
export function fakeVector(text: string, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, k) => k === 0 ? text.length : k / 100);
}

/**
 * `:predict` of the text-embedding models (docs: model-reference/text-embeddings-api): one
 * instance per request for gemini-embedding-001, at most 250 for the others.
 */
function embeddingAnswer(body: JsonObject, model: string): Answer {
  const instances = Array.isArray(body.instances) ? body.instances : [];
  const limit = model.startsWith("gemini-embedding") ? 1 : 250;
  if (instances.length === 0 || instances.length > limit) {
    return googleError(400, `Between 1 and ${limit} instances are allowed for ${model}.`);
  }
  const parameters = isRecord(body.parameters) ? body.parameters : {};
  const dimensions = typeof parameters.outputDimensionality === "number"
    ? parameters.outputDimensionality
    : 4;
  const predictions = [];
  for (const instance of instances) {
    if (!isRecord(instance) || typeof instance.content !== "string") {
      return googleError(400, "instances[].content is required");
    }
    predictions.push({
      embeddings: {
        values: fakeVector(instance.content, dimensions),
        statistics: { token_count: Math.ceil(instance.content.length / 4), truncated: false },
      },
    });
  }
  return { status: 200, body: { predictions, metadata: { billableCharacterCount: 1 } } };
}
