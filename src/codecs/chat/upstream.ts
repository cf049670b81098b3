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

import type { HiddenUsage, SseEvent } from "../codec.ts";

/** Same-API pass-through: the client's body untouched except for the model. */
export function withModel(body: Record<string, unknown>, model: string): Record<string, unknown> {
  return { ...body, model };
}

/**
 * Usage arrives in a streamed chat answer only with `stream_options.include_usage`
 * (API reference, "Create chat completion", `stream_options`). Plexus asks for it on every
 * pass-through stream so usage can be logged, and hides the usage-only chunk
 * (`choices: []`) from clients that did not ask.
 */
export function streamUsageRequest(body: Record<string, unknown>): HiddenUsage | undefined {
  const options = body.stream_options;
  const asked = typeof options === "object" && options !== null &&
    (options as Record<string, unknown>).include_usage === true;
  if (asked) return undefined;
  const streamOptions = typeof options === "object" && options !== null ? options : {};
  return {
    body: { ...body, stream_options: { ...streamOptions, include_usage: true } },
    isHidden: isUsageOnlyChunk,
  };
}

/**
 * Frames worth parsing on a pass-through stream once the first token was seen: those with usage
 * (chunks say `"usage":null` until the last one) or an error.
 */
const MAY_CARRY_USAGE = /"usage"\s*:\s*\{|"error"/;

export function mayCarryUsage(data: string): boolean {
  return MAY_CARRY_USAGE.test(data);
}

function isUsageOnlyChunk(event: SseEvent): boolean {
  if (!event.data.includes('"usage"') || !event.data.includes('"choices":[]')) return false;
  try {
    const chunk = JSON.parse(event.data) as Record<string, unknown>;
    return Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage != null;
  } catch {
    return false;
  }
}
