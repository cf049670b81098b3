/**
 * Where and how to call an OpenAI-compatible chat upstream.
 * Reference: platform.openai.com/docs/api-reference/chat/create (POST /chat/completions),
 * platform.openai.com/docs/api-reference/authentication (Bearer key).
 */

export function upstreamUrl(baseUrl: string, _model: string, _stream: boolean): string {
  return `${baseUrl}/chat/completions`;
}

/** No header without a key: local servers such as Ollama need none. */
export function upstreamHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined || apiKey === "" ? {} : { Authorization: `Bearer ${apiKey}` };
}

/** Same-API pass-through: the client's body untouched except for the model. */
export function withModel(body: Record<string, unknown>, model: string): Record<string, unknown> {
  return { ...body, model };
}
