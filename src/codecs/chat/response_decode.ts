/**
 * Chat completion body from an upstream -> unified response.
 * Reference: platform.openai.com/docs/api-reference/chat/object (the chat completion object).
 */
import {
  emptyUsage,
  GatewayError,
  type ReasoningPart,
  type StopReason,
  type TextPart,
  type ToolCallPart,
  type UnifiedRequest,
  type UnifiedResponse,
} from "../unified.ts";
import {
  isObject,
  type JsonObject,
  numberField,
  objectField,
  stringField,
} from "../json_guards.ts";
import { decodeReasoning } from "./reasoning_details.ts";
import { errorKindFor } from "../openai_errors.ts";
import { stopReasonFor } from "./finish_reason.ts";
import { decodeUsage } from "./usage.ts";

export function toUnifiedResponse(body: unknown, req: UnifiedRequest): UnifiedResponse {
  if (!isObject(body)) throw upstreamShapeError("the body is not a JSON object");
  const error = objectField(body, "error");
  if (error !== undefined) {
    const message = stringField(error, "message") ?? "upstream reported an error";
    throw new GatewayError(errorKindFor(error), message);
  }
  const choices = body.choices;
  const choice = Array.isArray(choices) && isObject(choices[0]) ? choices[0] : undefined;
  const message = choice === undefined ? undefined : objectField(choice, "message");
  if (choice === undefined || message === undefined) {
    throw upstreamShapeError("choices[0].message is missing");
  }

  const reasoning: ReasoningPart[] = decodeReasoning(
    message.reasoning_details,
    stringField(message, "reasoning_content") ?? stringField(message, "reasoning"),
  );
  const text = messageText(message.content);
  const refusal = stringField(message, "refusal");
  const toolCalls = decodeResponseToolCalls(message.tool_calls);
  const content: Array<TextPart | ToolCallPart | ReasoningPart> = [...reasoning];
  if (text !== "") content.push({ type: "text", text });
  if (refusal !== undefined && refusal !== "") content.push({ type: "text", text: refusal });
  content.push(...toolCalls);

  let stopReason: StopReason = stopReasonFor(choice.finish_reason, toolCalls.length > 0);
  if (refusal !== undefined && refusal !== "") stopReason = "refusal";
  const usage = objectField(body, "usage");
  const created = numberField(body, "created");
  return {
    id: stringField(body, "id") ?? "",
    model: stringField(body, "model") || req.model,
    content,
    stopReason,
    usage: { ...emptyUsage(), ...(usage === undefined ? {} : decodeUsage(usage)) },
    created: created !== undefined && created > 0 ? created : Math.floor(Date.now() / 1000),
  };
}

function upstreamShapeError(detail: string): GatewayError {
  return new GatewayError("bad_gateway", `upstream chat completion unreadable: ${detail}`);
}

/** `content` is a string or null; a few servers send an array of text parts. */
function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => isObject(part) && typeof part.text === "string" ? part.text : "")
    .join("");
}

function decodeResponseToolCalls(value: unknown): ToolCallPart[] {
  if (!Array.isArray(value)) return [];
  const calls: ToolCallPart[] = [];
  value.forEach((call: unknown, i) => {
    if (!isObject(call)) return;
    const fn: JsonObject = objectField(call, "function") ?? {};
    const args = stringField(fn, "arguments");
    calls.push({
      type: "tool_call",
      id: stringField(call, "id") || `call_${i}`,
      name: stringField(fn, "name") ?? "",
      arguments: args === undefined || args.trim() === "" ? "{}" : args,
    });
  });
  return calls;
}
