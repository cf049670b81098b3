/**
 * `POST /v1/messages/count_tokens` (Anthropic, "Count message tokens"), which coding agents call
 * before long requests. An Anthropic target counts exactly; for any other target Plexus answers
 * an estimate (about four characters of JSON per token), since those APIs have no such call.
 */
import { CODECS } from "../codecs/registry.ts";
import { GatewayError, invalidRequest } from "../codecs/unified.ts";
import { presentedSecret } from "../http/auth.ts";
import { resolveModel } from "../routing/resolve.ts";
import { ClientAbortedError, openUpstream } from "../upstream/call.ts";
import { asGatewayError, type Gateway } from "./dispatch.ts";
import { readJsonBody } from "./body.ts";
import { errorResponse, jsonResponse } from "./respond.ts";

const CHARS_PER_TOKEN = 4;

/** A rough count for targets that cannot count: the prompt's JSON length over four. */
export function estimateInputTokens(body: Record<string, unknown>): number {
  const prompt = JSON.stringify([body.system ?? "", body.messages ?? [], body.tools ?? []]);
  return Math.ceil(prompt.length / CHARS_PER_TOKEN);
}

export async function countTokens(request: Request, url: URL, gw: Gateway): Promise<Response> {
  const codec = CODECS.messages;
  if (
    !gw.config.allowNoAuth && gw.keys.identify(presentedSecret(request.headers, url)) === undefined
  ) {
    return errorResponse(codec, new GatewayError("authentication", "Invalid or missing API key."));
  }
  try {
    const body = await readJsonBody(request, gw.config.server.maxBodyBytes) as Record<
      string,
      unknown
    >;
    if (typeof body.model !== "string") throw invalidRequest("model: Field required", "model");
    if (!Array.isArray(body.messages)) {
      throw invalidRequest("messages: Field required", "messages");
    }
    const [target] = resolveModel(gw.config, body.model, gw.health, Date.now()).candidates;
    const provider = gw.config.providers[target.provider];
    if (provider.api !== "messages") {
      return jsonResponse({ input_tokens: estimateInputTokens(body) });
    }
    const outcome = await openUpstream({
      url: `${provider.baseUrl}/v1/messages/count_tokens`,
      headers: {
        "content-type": "application/json",
        ...codec.upstreamHeaders(provider.apiKey),
        ...provider.headers,
      },
      body: JSON.stringify(codec.withModel(body, target.model)),
      timeouts: provider.timeouts,
      clientSignal: request.signal,
    });
    if (!outcome.ok) {
      return errorResponse(
        codec,
        new GatewayError(outcome.failure.kind, outcome.failure.message, {
          status: outcome.failure.status,
        }),
      );
    }
    const text = await outcome.call.text();
    const status = outcome.call.response.status;
    if (status >= 200 && status < 300) {
      return new Response(text, { headers: { "content-type": "application/json" } });
    }
    // Older Anthropic-compatible servers lack the endpoint: estimate rather than fail the agent.
    if (status === 404) return jsonResponse({ input_tokens: estimateInputTokens(body) });
    return errorResponse(
      codec,
      new GatewayError("bad_gateway", codec.upstreamErrorMessage(status, text), {
        status: status === 429 ? 429 : 502,
      }),
    );
  } catch (error) {
    if (error instanceof ClientAbortedError) return new Response(null, { status: 499 });
    return errorResponse(codec, asGatewayError(error));
  }
}
