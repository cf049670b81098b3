/**
 * Outbound: an Anthropic Messages response body -> the unified response
 * (API reference, "Messages" -> "Create a Message", response).
 */
import type {
  ReasoningPart,
  TextPart,
  ToolCallPart,
  UnifiedRequest,
  UnifiedResponse,
} from "../unified.ts";
import { GatewayError } from "../unified.ts";
import { isObject, isString, type JsonObject, stringField } from "../json_guards.ts";
import { stopReasonFromWire } from "./stop_reason.ts";
import { isJsonResponseCall } from "./structured_output.ts";
import { usageFromWire } from "./usage.ts";

type ResponsePart = TextPart | ToolCallPart | ReasoningPart;

export function toUnifiedResponse(body: unknown, req: UnifiedRequest): UnifiedResponse {
  if (!isObject(body) || !Array.isArray(body.content)) {
    throw new GatewayError("bad_gateway", "upstream Anthropic API sent a malformed message");
  }
  const content: ResponsePart[] = [];
  let structuredOutput = false;
  for (const block of body.content) {
    if (!isObject(block)) continue;
    if (block.type === "tool_use" && isString(block.name) && isJsonResponseCall(req, block.name)) {
      structuredOutput = true;
      content.push({ type: "text", text: JSON.stringify(block.input ?? {}) });
      continue;
    }
    const part = decodeBlock(block);
    if (part !== undefined) content.push(part);
  }
  let stopReason = stopReasonFromWire(body.stop_reason);
  // The forced structured-output tool call is the answer itself, not a call to run.
  if (structuredOutput && stopReason === "tool_use") stopReason = "end_turn";
  const response: UnifiedResponse = {
    id: stringField(body, "id") ?? "",
    model: stringField(body, "model") ?? req.model,
    content,
    stopReason,
    usage: usageFromWire(body.usage),
    created: Math.floor(Date.now() / 1000),
  };
  const stopSequence = stringField(body, "stop_sequence");
  if (stopSequence !== undefined) response.stopSequence = stopSequence;
  return response;
}

/** Content blocks the unified model carries; server-tool and other blocks are skipped. */
function decodeBlock(block: JsonObject): ResponsePart | undefined {
  switch (block.type) {
    case "text":
      return isString(block.text) ? { type: "text", text: block.text } : undefined;
    case "thinking": {
      const part: ReasoningPart = { type: "reasoning", text: stringField(block, "thinking") ?? "" };
      const signature = stringField(block, "signature");
      if (signature !== undefined && signature !== "") {
        part.signature = signature;
        part.family = "anthropic";
      }
      return part;
    }
    case "redacted_thinking":
      return { type: "reasoning", text: "", redactedData: stringField(block, "data") ?? "" };
    case "tool_use":
      return {
        type: "tool_call",
        id: stringField(block, "id") ?? "",
        name: stringField(block, "name") ?? "",
        arguments: JSON.stringify(isObject(block.input) ? block.input : {}),
      };
    default:
      return undefined;
  }
}
