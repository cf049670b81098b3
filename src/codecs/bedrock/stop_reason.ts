/** StopReason (API Reference, "Converse", response `stopReason`) -> unified. */
import type { StopReason } from "../unified.ts";

export function stopReasonFromWire(value: unknown): StopReason {
  switch (value) {
    case "end_turn":
    case "tool_use":
    case "max_tokens":
    case "stop_sequence":
      return value;
    case "model_context_window_exceeded":
      return "max_tokens";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    default:
      return "end_turn";
  }
}
