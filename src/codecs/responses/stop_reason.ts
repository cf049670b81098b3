/**
 * Stop reasons <-> Responses `status` + `incomplete_details.reason`
 * (OpenAI API reference, "The response object": status, incomplete_details).
 */
import type { StopReason } from "../unified.ts";

export type ResponseStatus = "completed" | "incomplete" | "failed";

export interface WireOutcome {
  status: ResponseStatus;
  incompleteReason?: "max_output_tokens" | "content_filter";
}

export function outcomeForStopReason(stopReason: StopReason): WireOutcome {
  switch (stopReason) {
    case "max_tokens":
      return { status: "incomplete", incompleteReason: "max_output_tokens" };
    case "content_filter":
    case "refusal":
      return { status: "incomplete", incompleteReason: "content_filter" };
    case "error":
      return { status: "failed" };
    default:
      return { status: "completed" };
  }
}

/**
 * `incomplete` with any reason but `content_filter` means the output was cut short; xAI, for one,
 * says `REASON_MAX_LEN` instead of `max_output_tokens`.
 */
export function stopReasonForOutcome(
  status: string | undefined,
  incompleteReason: string | undefined,
  hasToolCalls: boolean,
): StopReason {
  if (status === "incomplete") {
    return incompleteReason === "content_filter" ? "content_filter" : "max_tokens";
  }
  if (status === "failed") return "error";
  return hasToolCalls ? "tool_use" : "end_turn";
}
