/**
 * Token counting, which coding agents and SDK users call before long requests:
 * Anthropic `POST /v1/messages/count_tokens` ("Count message tokens") and Gemini
 * `POST /v1beta/models/{model}:countTokens`. A target that speaks the same API counts exactly;
 * for any other target Plexus answers an estimate (about four characters of JSON per token),
 * since the other APIs have no such call.
 */
import type { Codec } from "../codecs/codec.ts";
import { CODECS } from "../codecs/registry.ts";
import { type ApiName, GatewayError, invalidRequest } from "../codecs/unified.ts";
import type { ProviderConfig } from "../config/types.ts";
import { presentedSecret } from "../auth/client_keys.ts";
import { resolveModel } from "../routing/resolve.ts";
import { ClientAbortedError, openUpstream } from "../upstream/call.ts";
import type { Gateway } from "./gateway.ts";
import { readJsonBody } from "./body.ts";
import { asGatewayError, errorResponse, jsonResponse } from "./respond.ts";

const CHARS_PER_TOKEN = 4;

/** A rough count for targets that cannot count: the prompt's JSON length over four. */
export function estimateTokens(prompt: unknown[]): number {
  return Math.ceil(JSON.stringify(prompt).length / CHARS_PER_TOKEN);
}

/** How one API asks for a count, and how its answer looks. */
interface CountDialect {
  api: ApiName;
  /** The model named by the request (body or URL); undefined when missing. */
  model(body: Record<string, unknown>, urlModel: string | undefined): string | undefined;
  /** The parts of the body that make up the prompt; undefined when the body is not valid. */
  prompt(body: Record<string, unknown>): unknown[] | undefined;
  countUrl(provider: ProviderConfig, model: string): string;
  /** The body to send a same-API target. */
  upstreamBody(body: Record<string, unknown>, model: string): Record<string, unknown>;
  answer(tokens: number): unknown;
}

const ANTHROPIC: CountDialect = {
  api: "messages",
  model: (body) => (typeof body.model === "string" ? body.model : undefined),
  prompt: (body) =>
    Array.isArray(body.messages) ? [body.system ?? "", body.messages, body.tools ?? []] : undefined,
  countUrl: (provider) => `${provider.baseUrl}/v1/messages/count_tokens`,
  upstreamBody: (body, model) => ({ ...body, model }),
  answer: (tokens) => ({ input_tokens: tokens }),
};

const GEMINI: CountDialect = {
  api: "gemini",
  model: (_body, urlModel) => urlModel,
  prompt: (body) => {
    const request = (body.generateContentRequest ?? body) as Record<string, unknown>;
    if (!Array.isArray(request.contents)) return undefined;
    return [request.systemInstruction ?? "", request.contents, request.tools ?? []];
  },
  countUrl: (provider, model) => `${provider.baseUrl}/models/${model}:countTokens`,
  upstreamBody: (body) => body,
  answer: (tokens) => ({ totalTokens: tokens }),
};

export const COUNT_DIALECTS = { messages: ANTHROPIC, gemini: GEMINI } as const;

export async function countTokens(
  request: Request,
  url: URL,
  gw: Gateway,
  dialect: CountDialect,
  urlModel?: string,
): Promise<Response> {
  const codec = CODECS[dialect.api];
  if (
    !gw.config.allowNoAuth && gw.keys.identify(
        presentedSecret(request.headers, dialect.api === "gemini" ? url : undefined),
      ) === undefined
  ) {
    return errorResponse(codec, new GatewayError("authentication", "Invalid or missing API key."));
  }
  try {
    const body = await readJsonBody(
      request,
      gw.config.server.maxBodyBytes,
      gw.config.limits.maxJsonDepth,
    ) as Record<string, unknown>;
    const model = dialect.model(body, urlModel);
    if (model === undefined) throw invalidRequest("model: Field required", "model");
    const prompt = dialect.prompt(body);
    if (prompt === undefined) {
      throw invalidRequest(
        dialect.api === "gemini" ? "contents: Field required" : "messages: Field required",
      );
    }
    const [target] = resolveModel(gw.config, model, gw.health, Date.now()).candidates;
    const provider = gw.config.providers[target.provider];
    // Clouds count at other URLs with other auth (docs/providers.md): estimated, not asked.
    if (provider.api !== dialect.api || provider.cloud !== undefined) {
      return jsonResponse(dialect.answer(estimateTokens(prompt)));
    }
    return await askUpstream(gw, request, codec, dialect, provider, target.model, body, prompt);
  } catch (error) {
    if (error instanceof ClientAbortedError) return new Response(null, { status: 499 });
    return errorResponse(codec, asGatewayError(error));
  }
}

async function askUpstream(
  gw: Gateway,
  request: Request,
  codec: Codec,
  dialect: CountDialect,
  provider: ProviderConfig,
  model: string,
  body: Record<string, unknown>,
  prompt: unknown[],
): Promise<Response> {
  const outcome = await openUpstream({
    url: dialect.countUrl(provider, model),
    headers: {
      "content-type": "application/json",
      ...codec.upstreamHeaders(provider.apiKey),
      ...provider.headers,
    },
    body: JSON.stringify(dialect.upstreamBody(body, model)),
    timeouts: provider.timeouts,
    clientSignal: request.signal,
    send: gw.upstream,
  });
  if (!outcome.ok) {
    const { kind, message, status } = outcome.failure;
    return errorResponse(codec, new GatewayError(kind, message, { status }));
  }
  const text = await outcome.call.text();
  const status = outcome.call.response.status;
  if (status >= 200 && status < 300) {
    return new Response(text, { headers: { "content-type": "application/json" } });
  }
  // Compatible servers often lack the endpoint: estimate rather than fail the agent.
  if (status === 404) return jsonResponse(dialect.answer(estimateTokens(prompt)));
  return errorResponse(
    codec,
    new GatewayError("bad_gateway", codec.upstreamErrorMessage(status, text), {
      status: status === 429 ? 429 : 502,
    }),
  );
}
