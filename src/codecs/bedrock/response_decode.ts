/**
 * Outbound: a Converse response body -> the unified response (API Reference, "Converse",
 * response elements: `output.message`, `stopReason`, `usage`).
 */
import type {
  ReasoningPart,
  TextPart,
  ToolCallPart,
  UnifiedRequest,
  UnifiedResponse,
} from "../unified.ts";
import { GatewayError } from "../unified.ts";
import { isObject, type JsonObject, objectField, stringField } from "../json_guards.ts";
import { isJsonResponseCall } from "../messages/structured_output.ts";
import { stopReasonFromWire } from "./stop_reason.ts";
import { usageFromWire } from "./usage.ts";

type ResponsePart = TextPart | ToolCallPart | ReasoningPart;

export function toUnifiedResponse(body: unknown, req: UnifiedRequest): UnifiedResponse {
  const message = isObject(body) ? objectField(objectField(body, "output") ?? {}, "message") : {};
  if (!isObject(body) || message === undefined || !Array.isArray(message.content)) {
    throw new GatewayError("bad_gateway", "upstream Bedrock sent a malformed Converse response");
  }
  const content: ResponsePart[] = [];
  let structuredOutput = false;
  for (const block of message.content) {
    if (!isObject(block)) continue;
    const toolUse = objectField(block, "toolUse");
    if (toolUse !== undefined && isJsonResponseCall(req, stringField(toolUse, "name") ?? "")) {
      structuredOutput = true;
      content.push({ type: "text", text: JSON.stringify(toolUse.input ?? {}) });
      continue;
    }
    const part = decodeBlock(block);
    if (part !== undefined) content.push(part);
  }
  let stopReason = stopReasonFromWire(body.stopReason);
  // The forced structured-output tool call is the answer itself, not a call to run.
  if (structuredOutput && stopReason === "tool_use") stopReason = "end_turn";
  return {
    // Converse answers carry no id; the gateway's request id stands in where a client needs one.
    id: "",
    model: req.model,
    content,
    stopReason,
    usage: usageFromWire(body.usage),
    created: Math.floor(Date.now() / 1000),
  };
}

/** ContentBlock members the unified model carries; documents, citations and others are skipped. */
function decodeBlock(block: JsonObject): ResponsePart | undefined {
  if (typeof block.text === "string") return { type: "text", text: block.text };
  const toolUse = objectField(block, "toolUse");
  if (toolUse !== undefined) {
    return {
      type: "tool_call",
      id: stringField(toolUse, "toolUseId") ?? "",
      name: stringField(toolUse, "name") ?? "",
      arguments: JSON.stringify(isObject(toolUse.input) ? toolUse.input : {}),
    };
  }
  const reasoning = objectField(block, "reasoningContent");
  if (reasoning === undefined) return undefined;
  const redacted = stringField(reasoning, "redactedContent");
  if (redacted !== undefined) return { type: "reasoning", text: "", redactedData: redacted };
  const text = objectField(reasoning, "reasoningText") ?? {};
  const part: ReasoningPart = { type: "reasoning", text: stringField(text, "text") ?? "" };
  const signature = stringField(text, "signature");
  if (signature !== undefined && signature !== "") part.signature = signature;
  return part;
}
