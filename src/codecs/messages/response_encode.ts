/**
 * Inbound: the unified response -> the body an Anthropic client expects
 * (API reference, "Messages" -> "Create a Message", response `Message` object).
 */
import { carriedSignature } from "../signature_carrier.ts";
import type { EncodeContext } from "../codec.ts";
import type { ReasoningPart, ToolCallPart, UnifiedResponse } from "../unified.ts";
import { isObject, parseJson } from "../json_guards.ts";
import { messageId } from "./ids.ts";
import { stopReasonToWire } from "./stop_reason.ts";
import { usageToWire, type WireUsage } from "./usage.ts";
import type { WireResponseBlock } from "./wire.ts";

export interface WireMessageResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: WireResponseBlock[];
  stop_reason: string;
  stop_sequence: string | null;
  /** Structured refusal details; Plexus has none to give, so always null as in most answers. */
  stop_details: null;
  usage: WireUsage;
}

export function fromUnifiedResponse(
  res: UnifiedResponse,
  ctx: EncodeContext,
): WireMessageResponse {
  const content: WireResponseBlock[] = [];
  for (const part of res.content) {
    const block = part.type === "text"
      ? { type: "text" as const, text: part.text }
      : part.type === "tool_call"
      ? toolUseBlock(part)
      : reasoningBlock(part);
    if (block !== undefined) content.push(block);
  }
  return {
    id: messageId(res.id, ctx.requestId),
    type: "message",
    role: "assistant",
    model: res.model || ctx.request.model,
    content,
    stop_reason: stopReasonToWire(res.stopReason),
    stop_sequence: res.stopSequence ?? null,
    stop_details: null,
    usage: usageToWire(res.usage),
  };
}

/** A tool call's JSON-text arguments become the `input` object (unparseable -> `{}`). */
export function toolInputObject(args: string): Record<string, unknown> {
  const input = parseJson(args);
  return isObject(input) ? input : {};
}

function toolUseBlock(part: ToolCallPart): WireResponseBlock {
  return { type: "tool_use", id: part.id, name: part.name, input: toolInputObject(part.arguments) };
}

/**
 * Signed or unsigned thinking is shown as a `thinking` block (an unsigned one with an empty
 * signature, which the messages encoder drops again if the client sends it back). Reasoning with
 * nothing to show (only an OpenAI encrypted blob) is left out.
 */
function reasoningBlock(part: ReasoningPart): WireResponseBlock | undefined {
  if (part.redactedData !== undefined) {
    return { type: "redacted_thinking", data: part.redactedData };
  }
  if (part.text === "" && part.signature === undefined) return undefined;
  const signature = part.signature === undefined
    ? ""
    : carriedSignature(part.signature, part.family ?? "anthropic", "anthropic");
  return { type: "thinking", thinking: part.text, signature };
}
