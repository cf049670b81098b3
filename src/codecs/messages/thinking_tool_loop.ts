/** Claude's rule for thinking in tool loops, shared by Anthropic and Bedrock (Claude) targets. */
import type { UnifiedMessage } from "../unified.ts";
import { signatureFor } from "../signature_carrier.ts";

/**
 * Extended thinking, "Preserving thinking blocks": with thinking on, the assistant turn a tool
 * result answers must start with its signed thinking block, or the API rejects the request.
 * Clients that keep only text and tool calls (OpenAI SDKs, Gemini CLI with its skip sentinel),
 * and turns made by another provider family, cannot give it back: that request goes without
 * thinking, which the API accepts, rather than one it must reject.
 */
export function toolLoopLostItsThinking(messages: UnifiedMessage[]): boolean {
  const last = messages[messages.length - 1];
  const assistant = messages[messages.length - 2];
  if (last?.role !== "user" || assistant?.role !== "assistant") return false;
  if (!last.content.some((part) => part.type === "tool_result")) return false;
  if (!assistant.content.some((part) => part.type === "tool_call")) return false;
  const first = assistant.content.find((part) => part.type !== "text" || part.text.trim() !== "");
  if (first?.type !== "reasoning") return true;
  return signatureFor(first, "anthropic") === undefined && first.redactedData === undefined;
}
