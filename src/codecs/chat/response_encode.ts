/**
 * Unified response -> the chat completion object a chat client expects.
 * Reference: platform.openai.com/docs/api-reference/chat/object (the chat completion object).
 */
import type { EncodeContext } from "../codec.ts";
import type { ReasoningPart, UnifiedResponse } from "../unified.ts";
import { finishReasonFor } from "./finish_reason.ts";
import { encodeReasoningDetails } from "./reasoning_details.ts";
import { encodeUsage } from "./usage.ts";
import type { ChatCompletion, ChatCompletionMessage, ChatToolCall } from "./wire.ts";

/**
 * A refusal stop puts the text in `message.refusal` (content null), where OpenAI SDKs look
 * for it; `finish_reason` is then `content_filter`.
 */
export function fromUnifiedResponse(res: UnifiedResponse, ctx: EncodeContext): ChatCompletion {
  const texts: string[] = [];
  const reasoning: ReasoningPart[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const part of res.content) {
    if (part.type === "text") texts.push(part.text);
    else if (part.type === "reasoning") reasoning.push(part);
    else {
      toolCalls.push({
        id: part.id,
        type: "function",
        function: { name: part.name, arguments: part.arguments },
      });
    }
  }
  const text = texts.join("");
  const isRefusal = res.stopReason === "refusal";
  const message: ChatCompletionMessage = {
    role: "assistant",
    content: isRefusal || (text === "" && toolCalls.length > 0) ? null : text,
    refusal: isRefusal ? text : null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const reasoningText = reasoning.map((part) => part.text).join("");
  if (reasoningText !== "") message.reasoning_content = reasoningText;
  const details = encodeReasoningDetails(reasoning);
  if (details !== undefined) message.reasoning_details = details;
  return {
    id: res.id || ctx.requestId,
    object: "chat.completion",
    created: res.created,
    model: res.model,
    choices: [{
      index: 0,
      message,
      logprobs: null,
      finish_reason: finishReasonFor(res.stopReason),
    }],
    usage: encodeUsage(res.usage),
  };
}
