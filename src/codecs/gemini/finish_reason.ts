/**
 * Gemini `Candidate.FinishReason` <-> unified stop reasons
 * (ai.google.dev/api/generate-content#FinishReason).
 */
import type { StopReason } from "../unified.ts";
import type { GeminiFinishReason } from "./wire.ts";

const CONTENT_FILTER_REASONS = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
]);

/** `sawToolCall`: Gemini says STOP after function calls too; unified wants `tool_use` then. */
export function stopReasonFromGemini(reason: string, sawToolCall: boolean): StopReason {
  if (reason === "MAX_TOKENS") return "max_tokens";
  if (CONTENT_FILTER_REASONS.has(reason)) return "content_filter";
  if (reason === "OTHER") return "error";
  // STOP, MALFORMED_FUNCTION_CALL (the turn ends without a usable call), LANGUAGE, unknown.
  return sawToolCall && reason === "STOP" ? "tool_use" : "end_turn";
}

export function finishReasonToGemini(reason: StopReason): GeminiFinishReason {
  switch (reason) {
    case "max_tokens":
      return "MAX_TOKENS";
    case "content_filter":
    case "refusal":
      return "SAFETY";
    case "error":
      return "OTHER";
    default:
      // end_turn, tool_use, stop_sequence, pause_turn: Gemini names them all STOP.
      return "STOP";
  }
}
