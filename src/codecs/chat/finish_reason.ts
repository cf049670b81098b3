/**
 * `finish_reason` <-> unified stop reason.
 * Reference: platform.openai.com/docs/api-reference/chat/object (choices[].finish_reason).
 */
import type { StopReason } from "../unified.ts";
import type { ChatFinishReason } from "./wire.ts";

/** Chat cannot tell a stop sequence from a natural end, so both become `stop`. */
export function finishReasonFor(stopReason: StopReason): ChatFinishReason {
  switch (stopReason) {
    case "max_tokens":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "content_filter":
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}

/**
 * `hasToolCalls` repairs servers that answer a tool call with `stop` (seen on some
 * OpenAI-compatible servers): Anthropic and Gemini clients need `tool_use` to run the tool.
 */
export function stopReasonFor(finishReason: unknown, hasToolCalls: boolean): StopReason {
  switch (finishReason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "content_filter";
    default:
      return hasToolCalls ? "tool_use" : "end_turn";
  }
}
