/**
 * Structured output sent to Anthropic as a forced tool call (Tool use, "Forcing tool use" with
 * `tool_choice: {type: "tool"}`), and recognised again on the way back.
 */
import type { ResponseFormat, UnifiedRequest } from "../unified.ts";

export const JSON_RESPONSE_TOOL = "json_response";

/** The schema the forced tool takes, or undefined when no JSON output was asked for. */
export function jsonOutputSchema(
  format: ResponseFormat | undefined,
): Record<string, unknown> | undefined {
  if (format === undefined || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "object", additionalProperties: true };
  return format.schema;
}

/** Whether a `tool_use` block named `name` is our structured-output tool for this request. */
export function isJsonResponseCall(request: UnifiedRequest, name: string): boolean {
  return name === JSON_RESPONSE_TOOL && jsonOutputSchema(request.responseFormat) !== undefined;
}
