/** Stop reasons (Messages API, "Handling stop reasons"). */
import type { StopReason } from "../unified.ts";

/** Anthropic `stop_reason` -> unified. Unknown future reasons keep their closest meaning. */
export function stopReasonFromWire(value: unknown): StopReason {
  switch (value) {
    case "end_turn":
    case "max_tokens":
    case "stop_sequence":
    case "tool_use":
    case "refusal":
    case "pause_turn":
      return value;
    case "model_context_window_exceeded":
      return "max_tokens";
    default:
      return "end_turn";
  }
}

/** Unified -> Anthropic `stop_reason`; Anthropic reports filtered output as `refusal`. */
export function stopReasonToWire(reason: StopReason): string {
  switch (reason) {
    case "content_filter":
      return "refusal";
    case "error":
      return "end_turn";
    default:
      return reason;
  }
}
