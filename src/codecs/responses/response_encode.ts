/**
 * Inbound: the unified response -> the Responses "response object" a client reads
 * (OpenAI API reference, "The response object" -> `output` items).
 */
import type { EncodeContext } from "../codec.ts";
import type {
  ClientToolShape,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  UnifiedResponse,
} from "../unified.ts";
import { clientToolsByName, customToolInput } from "../tool_names.ts";
import { encryptedContentFor } from "./reasoning_carrier.ts";
import { responseIdFor, responseObject } from "./response_object.ts";
import { outcomeForStopReason } from "./stop_reason.ts";
import type { JsonObject } from "../json_guards.ts";
import { mintedId } from "./wire.ts";

export function fromUnifiedResponse(res: UnifiedResponse, ctx: EncodeContext): unknown {
  const outcome = outcomeForStopReason(res.stopReason);
  const response = responseObject(
    {
      id: responseIdFor(res.id, ctx.requestId),
      createdAt: res.created,
      model: res.model,
      status: outcome.status,
      incompleteReason: outcome.incompleteReason,
      error: outcome.status === "failed"
        ? { code: "server_error", message: "the model failed to answer" }
        : undefined,
      output: outputItems(res.content, ctx),
      usage: res.usage,
    },
    ctx.request,
    ctx.responses,
  );
  if (outcome.status !== "failed") ctx.responses?.onComplete?.(response);
  return response;
}

/** Adjacent text parts form one `message` item; each reasoning part and tool call its own item. */
function outputItems(
  content: Array<TextPart | ToolCallPart | ReasoningPart>,
  ctx: EncodeContext,
): JsonObject[] {
  const requestId = ctx.requestId;
  const clientTools = clientToolsByName(ctx.request.tools);
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
    if (part.type === "reasoning") {
      items.push(reasoningItem(part.id ?? mintedId("rs", requestId, n), part));
      return;
    }
    if (part.signature !== undefined) {
      // A Gemini call's signature travels in a reasoning item of its own just before the call.
      const carrier = { text: "", signature: part.signature, family: "gemini" as const };
      items.push(reasoningItem(mintedId("rs", requestId, n) + "_sig", carrier));
    }
    const shape = clientTools.get(part.name);
    const id = mintedId(shape?.custom ? "ctc" : "fc", requestId, n);
    items.push(toolCallItem(id, part.id, part.name, part.arguments, shape));
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

/**
 * A call as the client declared the tool: a `custom_tool_call` with its free-form `input`, or a
 * `function_call`, with the client's `namespace` and name when the tool was in one.
 */
export function toolCallItem(
  id: string,
  callId: string,
  flatName: string,
  args: string,
  shape: ClientToolShape | undefined,
  status: "in_progress" | "completed" = "completed",
): JsonObject {
  if (shape === undefined) return functionCallItem(id, callId, flatName, args, status);
  const namespace = shape.namespace !== undefined ? { namespace: shape.namespace } : {};
  if (shape.custom) {
    const input = status === "in_progress" ? "" : customToolInput(args);
    return {
      type: "custom_tool_call",
      id,
      call_id: callId,
      ...namespace,
      name: shape.name,
      input,
      status,
    };
  }
  return { ...functionCallItem(id, callId, shape.name, args, status), ...namespace };
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
