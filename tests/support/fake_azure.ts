/**
 * A fake Azure OpenAI resource that follows the documented URLs and refuses anything else
 * (learn.microsoft.com/azure/ai-foundry/openai: reference, api-version-lifecycle, how-to/responses,
 * concepts/content-filter):
 * - POST /openai/deployments/{deployment}/chat/completions?api-version=… (known deployments only);
 * - POST /openai/responses?api-version=… and the v1 routes /openai/v1/chat/completions and
 *   /openai/v1/responses, where the deployment is the body's `model`;
 * - `api-key: <key>` or `Authorization: Bearer <token>`, else 401 in Azure's words;
 * - chat answers carry Azure's content-filter annotations: `prompt_filter_results` in the body,
 *   `content_filter_results` per choice; a stream starts with a chunk of empty `choices` and
 *   `prompt_filter_results`, and an annotation chunk without `delta` follows the finish chunk.
 */
import {
  type Answer,
  type CloudFake,
  type CloudRequest,
  startCloudFake,
} from "./cloud_fake_server.ts";
import { isRecord } from "./fixtures.ts";
import {
  chatJson,
  chatStreamEvents,
  defaultScenario,
  type JsonObject,
  responsesJson,
  responsesStreamEvents,
} from "./wire_scenarios.ts";

export interface FakeAzureOptions {
  apiKey?: string;
  bearerToken?: string;
  /** Entra tokens issued elsewhere (a fake token endpoint) that are currently valid. */
  isValidBearer?: (token: string) => boolean;
  deployments: string[];
}

const SAFE = {
  hate: { filtered: false, severity: "safe" },
  self_harm: { filtered: false, severity: "safe" },
  sexual: { filtered: false, severity: "safe" },
  violence: { filtered: false, severity: "safe" },
};

const PROMPT_FILTER_RESULTS = [{ prompt_index: 0, content_filter_results: SAFE }];

function azureError(status: number, code: string, message: string): Answer {
  return { status, body: { error: { code, message } } };
}

/** The content-filter refusal of a prompt, as concepts/content-filter shows it. */
export function contentFilterError(): JsonObject {
  return {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
      type: null,
      param: "prompt",
      code: "content_filter",
      status: 400,
      innererror: {
        code: "ResponsibleAIPolicyViolation",
        content_filter_result: {
          ...SAFE,
          violence: { filtered: true, severity: "high" },
        },
      },
    },
  };
}

export function startFakeAzure(options: FakeAzureOptions): CloudFake {
  return startCloudFake((request, reply) => {
    const route = routeOf(request, options);
    if ("status" in route) return route;
    const authorized = (options.apiKey !== undefined &&
      request.headers["api-key"] === options.apiKey) ||
      (options.bearerToken !== undefined &&
        request.headers["authorization"] === `Bearer ${options.bearerToken}`) ||
      (options.isValidBearer?.(request.headers["authorization"]?.replace(/^Bearer /, "") ?? "") ??
        false);
    if (!authorized) {
      return azureError(
        401,
        "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
      );
    }
    if (reply?.kind === "error") {
      return { status: reply.status, body: reply.body, headers: reply.headers };
    }
    if (!isRecord(request.body)) return azureError(400, "invalid_request_error", "invalid JSON");
    if (route.api === "embeddings") return embeddingsAnswer(request.body, route.deployment);
    const scenario = {
      ...defaultScenario(route.api, route.deployment, `az${request.rawBody.length}`),
      ...(reply?.kind === "scenario" ? reply.scenario : {}),
    };
    const stream = request.body.stream === true;
    if (route.api === "responses") {
      return stream
        ? { status: 200, frames: responsesStreamEvents(scenario).map(namedFrame) }
        : { status: 200, body: responsesJson(scenario) };
    }
    if (!stream) return { status: 200, body: annotatedChatJson(chatJson(scenario)) };
    const options_ = request.body.stream_options;
    const includeUsage = isRecord(options_) && options_.include_usage === true;
    const chunks = annotatedChatChunks(chatStreamEvents(scenario, includeUsage));
    const frames = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
    return { status: 200, frames: [...frames, "data: [DONE]\n\n"] };
  });
}

type Route = { api: "chat" | "responses" | "embeddings"; deployment: string } | Answer;

function apiOf(path: string): "chat" | "responses" | "embeddings" {
  return path.endsWith("/responses")
    ? "responses"
    : path.endsWith("/embeddings")
    ? "embeddings"
    : "chat";
}

function routeOf(request: CloudRequest, options: FakeAzureOptions): Route {
  const notFound = azureError(404, "404", "Resource not found");
  if (request.method !== "POST") return notFound;
  const bodyModel = isRecord(request.body) && typeof request.body.model === "string"
    ? request.body.model
    : undefined;
  const known = (deployment: string | undefined): Route =>
    deployment !== undefined && options.deployments.includes(deployment)
      ? { api: apiOf(request.path), deployment }
      : azureError(
        404,
        "DeploymentNotFound",
        "The API deployment for this resource does not exist.",
      );
  const deploymentChat = /^\/openai\/deployments\/([^/]+)\/(?:chat\/completions|embeddings)$/
    .exec(request.path);
  if (deploymentChat !== null || request.path === "/openai/responses") {
    if (!request.query.has("api-version")) return notFound;
    return known(deploymentChat ? decodeURIComponent(deploymentChat[1]) : bodyModel);
  }
  if (/^\/openai\/v1\/(chat\/completions|responses|embeddings)$/.test(request.path)) {
    if (bodyModel === undefined) {
      return azureError(400, "invalid_request_error", "model is required");
    }
    return known(bodyModel);
  }
  return notFound;
}

function namedFrame(event: JsonObject): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function annotatedChatJson(body: JsonObject): JsonObject {
  const choices = (body.choices as JsonObject[]).map((choice) => ({
    ...choice,
    content_filter_results: SAFE,
  }));
  return { ...body, choices, prompt_filter_results: PROMPT_FILTER_RESULTS };
}

function annotatedChatChunks(chunks: JsonObject[]): JsonObject[] {
  const promptChunk = {
    choices: [],
    created: 0,
    id: "",
    model: "",
    object: "",
    prompt_filter_results: PROMPT_FILTER_RESULTS,
  };
  const annotation = {
    choices: [{
      content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: 40 },
      content_filter_results: SAFE,
      finish_reason: null,
      index: 0,
    }],
    created: 0,
    id: "",
    model: "",
    object: "",
  };
  const out: JsonObject[] = [promptChunk];
  for (const chunk of chunks) {
    const choices = chunk.choices as JsonObject[];
    out.push(
      choices.length === 0 ? chunk : {
        ...chunk,
        choices: choices.map((choice) => ({ ...choice, content_filter_results: SAFE })),
      },
    );
    if (choices.some((choice) => choice.finish_reason !== null)) out.push(annotation);
  }
  return out;
}

/** OpenAI's embeddings answer (API reference, "The embedding object"), as Azure returns it. */
function embeddingsAnswer(body: JsonObject, deployment: string): Answer {
  const inputs = typeof body.input === "string" ? [body.input] : body.input;
  if (!Array.isArray(inputs) || inputs.some((input) => typeof input !== "string")) {
    return azureError(400, "invalid_request_error", "input must be a string or strings");
  }
  const dimensions = typeof body.dimensions === "number" ? body.dimensions : 4;
  const data = (inputs as string[]).map((input, index) => ({
    object: "embedding",
    index,
    embedding: Array.from({ length: dimensions }, (_, k) => k === 0 ? input.length : k / 100),
  }));
  const tokens = (inputs as string[]).reduce((sum, input) => sum + Math.ceil(input.length / 4), 0);
  return {
    status: 200,
    body: {
      object: "list",
      data,
      model: deployment,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}
