/**
 * Token counting, which coding agents and SDK users call before long requests, for every API
 * with a `countTokens` hook (Anthropic `POST /v1/messages/count_tokens`, Gemini
 * `:countTokens`). A target that speaks the same API counts exactly; for any other target
 * Plexus answers an estimate (about four characters of JSON per token), since the other APIs
 * have no such call.
 */
import { scrubSecrets } from "../auth/secrets.ts";
import type { InboundCodec, TokenCounting } from "../codecs/codec.ts";
import { type ApiName, inboundCodec } from "../codecs/registry.ts";
import { GatewayError, invalidRequest } from "../codecs/unified.ts";
import type { ProviderConfig } from "../config/types.ts";
import { checkClientKey } from "./client_key.ts";
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

export interface CountInput {
  request: Request;
  url: URL;
  /** The route's params (Gemini: the model). */
  params: Record<string, string>;
  api: ApiName;
}

export async function countTokens(input: CountInput, gw: Gateway): Promise<Response> {
  const { request, url, params, api } = input;
  const codec = inboundCodec(api);
  const counting = codec.countTokens;
  if (counting === undefined) throw new Error(`plexus: '${api}' has no token counting`);
  const check = await checkClientKey(gw, request, url, codec);
  if (!check.ok) return errorResponse(codec, check.error);
  try {
    const body = await readJsonBody(
      request,
      gw.config.server.maxBodyBytes,
      gw.config.limits.maxJsonDepth,
    ) as Record<string, unknown>;
    const model = counting.model(body, params);
    if (model === undefined) throw invalidRequest("model: Field required", "model");
    const prompt = counting.prompt(body);
    if (prompt === undefined) throw invalidRequest(`${counting.promptField}: Field required`);
    const [target] = resolveModel(gw.config, model, gw.health, Date.now()).candidates;
    const provider = gw.config.providers[target.provider];
    // Clouds count at other URLs with other auth (docs/providers.md): estimated, not asked.
    if (provider.api !== api || provider.cloud !== undefined) {
      return jsonResponse(counting.answer(estimateTokens(prompt)));
    }
    return await askUpstream(gw, request, {
      codec,
      counting,
      provider,
      model: target.model,
      body,
      prompt,
    });
  } catch (error) {
    if (error instanceof ClientAbortedError) return new Response(null, { status: 499 });
    return errorResponse(codec, asGatewayError(error));
  }
}

/** A count a same-API target is asked for. */
interface UpstreamCount {
  codec: InboundCodec;
  counting: TokenCounting;
  provider: ProviderConfig;
  model: string;
  body: Record<string, unknown>;
  prompt: unknown[];
}

async function askUpstream(gw: Gateway, request: Request, count: UpstreamCount): Promise<Response> {
  const { codec, counting, provider, model, body, prompt } = count;
  const outcome = await openUpstream({
    url: counting.upstreamUrl(provider.baseUrl, model),
    headers: {
      "content-type": "application/json",
      ...codec.upstreamHeaders(provider.apiKey),
      ...provider.headers,
    },
    body: JSON.stringify(counting.upstreamBody(body, model)),
    timeouts: provider.timeouts,
    clientSignal: request.signal,
    send: gw.upstream,
  });
  if (!outcome.ok) {
    const { kind, message, status } = outcome.failure;
    return errorResponse(codec, new GatewayError(kind, message, { status }));
  }
  const status = outcome.call.response.status;
  const ok = status >= 200 && status < 300;
  const limits = gw.config.limits;
  const text = ok
    ? await outcome.call.text(limits.upstreamBodyBytes)
    : await outcome.call.text(limits.upstreamErrorBytes, "truncate");
  if (ok) {
    return new Response(scrubSecrets(text), { headers: { "content-type": "application/json" } });
  }
  // Compatible servers often lack the endpoint: estimate rather than fail the agent.
  if (status === 404) return jsonResponse(counting.answer(estimateTokens(prompt)));
  return errorResponse(
    codec,
    new GatewayError("bad_gateway", codec.upstreamErrorMessage(status, text), {
      status: status === 429 ? 429 : 502,
    }),
  );
}
