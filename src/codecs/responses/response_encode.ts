/**
 * Inbound: the unified response -> the Responses "response object" a client reads
 * (OpenAI API reference, "The response object" -> `output` items).
 */
import type { EncodeContext } from "../codec.ts";
import type { ReasoningPart, TextPart, ToolCallPart, UnifiedResponse } from "../unified.ts";
import { encryptedContentFor } from "./reasoning_carrier.ts";
import { responseIdFor, responseObject } from "./response_object.ts";
import { outcomeForStopReason } from "./stop_reason.ts";
import type { JsonObject } from "../json_guards.ts";
import { mintedId } from "./wire.ts";

export function fromUnifiedResponse(res: UnifiedResponse, ctx: EncodeContext): unknown {
  const outcome = outcomeForStopReason(res.stopReason);
  return responseObject({
    id: responseIdFor(res.id, ctx.requestId),
    createdAt: res.created,
    model: res.model,
    status: outcome.status,
    incompleteReason: outcome.incompleteReason,
    error: outcome.status === "failed"
      ? { code: "server_error", message: "the model failed to answer" }
      : undefined,
    output: outputItems(res.content, ctx.requestId),
    usage: res.usage,
  }, ctx.request);
}

/** Adjacent text parts form one `message` item; each reasoning part and tool call its own item. */
function outputItems(
  content: Array<TextPart | ToolCallPart | ReasoningPart>,
  requestId: string,
): JsonObject[] {
  const items: JsonObject[] = [];
  let message: JsonObject[] | undefined;
  content.forEach((part, n) => {
    if (part.type === "text") {
      if (!message) {
        message = [];
        items.push(messageItem(mintedId("msg", requestId, n), message, "completed"));
      }
      message.push(outputText(part.text));
      return;
    }
    message = undefined;
    items.push(
      part.type === "tool_call"
        ? functionCallItem(mintedId("fc", requestId, n), part.id, part.name, part.arguments)
        : reasoningItem(part.id ?? mintedId("rs", requestId, n), part),
    );
  });
  return items;
}

export function outputText(text: string): JsonObject {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

export function messageItem(
  id: string,
  content: JsonObject[],
  status: "in_progress" | "completed" | "incomplete",
): JsonObject {
  return { type: "message", id, status, role: "assistant", content };
}

export function functionCallItem(
  id: string,
  callId: string,
  name: string,
  args: string,
  status: "in_progress" | "completed" = "completed",
): JsonObject {
  return { type: "function_call", id, call_id: callId, name, arguments: args, status };
}

export function reasoningItem(
  id: string,
  part: Pick<ReasoningPart, "text"> & Partial<ReasoningPart>,
): JsonObject {
  const item: JsonObject = {
    type: "reasoning",
    id,
    summary: part.text === "" ? [] : [{ type: "summary_text", text: part.text }],
  };
  const encrypted = encryptedContentFor({ type: "reasoning", ...part });
  if (encrypted !== undefined) item.encrypted_content = encrypted;
  return item;
}
