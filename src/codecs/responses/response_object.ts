/**
 * The Responses "response object" (OpenAI API reference, "The response object"), shared by the
 * non-streamed answer and the lifecycle events of a stream.
 */
import type { UnifiedRequest, Usage } from "../unified.ts";
import type { EncodeContext } from "../codec.ts";
import { usageToWire } from "./usage.ts";
import type { JsonObject } from "../json_guards.ts";
import type { ResponseStatus } from "./stop_reason.ts";

export interface ResponseObjectFields {
  id: string;
  createdAt: number;
  model: string;
  status: ResponseStatus | "in_progress";
  output: JsonObject[];
  usage?: Usage;
  incompleteReason?: string;
  error?: { code: string; message: string };
}

export function responseObject(
  fields: ResponseObjectFields,
  request: UnifiedRequest,
  state?: EncodeContext["responses"],
): JsonObject {
  return {
    id: fields.id,
    object: "response",
    created_at: fields.createdAt,
    status: fields.status,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteReason ? { reason: fields.incompleteReason } : null,
    instructions: request.system ?? null,
    max_output_tokens: request.maxTokens ?? null,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: request.parallelToolCalls ?? true,
    previous_response_id: state?.previousResponseId ?? null,
    reasoning: {
      effort: request.reasoning?.enabled ? request.reasoning.effort ?? null : null,
      summary: null,
    },
    store: state?.store ?? false,
    temperature: request.temperature ?? null,
    text: { format: textFormat(request) },
    tool_choice: toolChoice(request),
    tools: (request.tools ?? []).map((tool) => ({
      type: "function",
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters,
      strict: tool.strict ?? false,
    })),
    top_p: request.topP ?? null,
    truncation: "disabled",
    usage: fields.usage ? usageToWire(fields.usage) : null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}

function textFormat(request: UnifiedRequest): JsonObject {
  const format = request.responseFormat;
  if (!format || format.type !== "json_schema") return { type: format?.type ?? "text" };
  return {
    type: "json_schema",
    name: format.name,
    schema: format.schema,
    strict: format.strict ?? null,
    description: format.description ?? null,
  };
}

function toolChoice(request: UnifiedRequest): unknown {
  const choice = request.toolChoice;
  if (!choice) return "auto";
  return choice.type === "tool" ? { type: "function", name: choice.name } : choice.type;
}

/** The response id shown to the client: the upstream's when it already is a Responses id. */
export function responseIdFor(upstreamId: string, requestId: string): string {
  return upstreamId.startsWith("resp_")
    ? upstreamId
    : `resp_${requestId.replace(/[^a-zA-Z0-9_-]/g, "")}`;
}
