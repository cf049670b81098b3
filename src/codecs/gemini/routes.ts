/**
 * Where Gemini clients call Plexus: `/{version}/models/{model}:generateContent`,
 * `:streamGenerateContent` (with `?alt=sse` for SSE, else a JSON array) and `:countTokens`
 * (ai.google.dev/api/generate-content, ai.google.dev/api/tokens). The SDKs use `v1beta` by
 * default and `v1` or `v1alpha` when configured; all three are served.
 */
import type { GenerationRoute, InboundContext, TokenCounting } from "../codec.ts";

const GENERATE = /^\/(?:v1beta|v1|v1alpha)\/models\/(.+):(generateContent|streamGenerateContent)$/;
const COUNT = /^\/(?:v1beta|v1|v1alpha)\/models\/(.+):countTokens$/;

/** Every path of the Gemini API: `/v1beta/...`, and any `/{version}/models/{model}:{method}`. */
export const GEMINI_PATHS = /^\/v1beta\/|^\/(?:v1beta|v1|v1alpha)\/models\/.+:[A-Za-z]+$/;

/** `models/gemini-x` and `gemini-x` name the same model. */
function modelName(param: string): string {
  return param.replace(/^models\//, "");
}

export const GENERATE_ROUTE: GenerationRoute = {
  path: GENERATE,
  params: ["model", "method"],
  context: (url, params): InboundContext => ({
    model: modelName(params.model),
    stream: params.method === "streamGenerateContent",
    sse: url.searchParams.get("alt") === "sse",
  }),
};

/** `countTokens` takes `contents` (with `systemInstruction` and `tools` inside a `generateContentRequest`). */
export const TOKEN_COUNTING: TokenCounting = {
  route: { path: COUNT, params: ["model"] },
  model: (_body, params) => params.model === undefined ? undefined : modelName(params.model),
  prompt: (body) => {
    const request = (body.generateContentRequest ?? body) as Record<string, unknown>;
    if (!Array.isArray(request.contents)) return undefined;
    return [request.systemInstruction ?? "", request.contents, request.tools ?? []];
  },
  promptField: "contents",
  upstreamUrl: (baseUrl, model) => `${baseUrl}/models/${model}:countTokens`,
  upstreamBody: (body) => body,
  answer: (tokens) => ({ totalTokens: tokens }),
};
