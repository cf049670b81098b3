/**
 * Outbound: unified conversation turns -> Anthropic `messages`
 * (API reference, "Messages" -> `messages`; Tool use, "Handling tool results").
 * The API wants alternating roles, tool results first in their user turn, no empty text and
 * signed thinking only; this module enforces all of that in one place.
 */
import { signatureFor } from "../signature_carrier.ts";
import type { ContentPart, ImagePart, TextPart, UnifiedMessage } from "../unified.ts";
import { invalidRequest } from "../unified.ts";
import { sanitizeToolId } from "./ids.ts";
import { parseBase64DataUrl } from "../data_url.ts";
import { isObject, parseJson } from "../json_guards.ts";
import type {
  WireContentBlock,
  WireImageBlock,
  WireImageSource,
  WireMessage,
  WireTextBlock,
} from "./wire.ts";

export function encodeMessages(messages: UnifiedMessage[]): WireMessage[] {
  const converted = messages
    .map((message, i): WireMessage => ({
      role: message.role,
      content: encodeParts(message.content, `messages[${i}]`),
    }))
    .filter((message) => message.content.length > 0);
  const merged = mergeSameRole(converted).map(toolResultsFirst);
  trimFinalAssistantText(merged);
  return merged;
}

function encodeParts(parts: ContentPart[], path: string): WireContentBlock[] {
  const blocks: WireContentBlock[] = [];
  parts.forEach((part, j) => {
    const block = encodePart(part, `${path}.content[${j}]`);
    if (block !== undefined) blocks.push(block);
  });
  return blocks;
}

function encodePart(part: ContentPart, path: string): WireContentBlock | undefined {
  switch (part.type) {
    case "text":
      return encodeText(part);
    case "image":
      return encodeImage(part);
    case "tool_call":
      return {
        type: "tool_use",
        id: sanitizeToolId(part.id),
        name: part.name,
        input: parseToolInput(part.arguments, path),
      };
    case "tool_result":
      return encodeToolResult(part.toolCallId, part.content, part.isError);
    case "reasoning":
      // Signed thinking and redacted thinking go back unchanged. Unsigned reasoning and another
      // family's signatures are dropped: the API rejects thinking blocks it did not sign.
      if (signatureFor(part, "anthropic") !== undefined) {
        return { type: "thinking", thinking: part.text, signature: part.signature! };
      }
      if (part.redactedData !== undefined) {
        return { type: "redacted_thinking", data: part.redactedData };
      }
      return undefined;
  }
}

/** The API rejects empty and whitespace-only text blocks, so they are dropped. */
function encodeText(part: TextPart): WireTextBlock | undefined {
  return part.text.trim() === "" ? undefined : { type: "text", text: part.text };
}

function encodeImage(part: ImagePart): WireImageBlock {
  return { type: "image", source: encodeImageSource(part) };
}

/** Images and vision, "source" types `base64` and `url`; data URLs become base64 sources. */
function encodeImageSource(part: ImagePart): WireImageSource {
  const source = part.source;
  if (source.kind === "base64") {
    return { type: "base64", media_type: source.mediaType, data: source.data };
  }
  const inline = parseBase64DataUrl(source.url);
  if (inline !== undefined) {
    return { type: "base64", media_type: inline.mediaType, data: inline.data };
  }
  return { type: "url", url: source.url };
}

/** Tool call `arguments` (JSON text) -> `input` (object); `""` means no arguments. */
function parseToolInput(args: string, path: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  const input = parseJson(args);
  if (!isObject(input)) {
    throw invalidRequest(
      `${path}.arguments: tool call arguments must be a JSON object`,
      `${path}.arguments`,
    );
  }
  return input;
}

function encodeToolResult(
  toolCallId: string,
  content: string | Array<TextPart | ImagePart>,
  isError: boolean | undefined,
): WireContentBlock {
  const block: WireContentBlock = { type: "tool_result", tool_use_id: sanitizeToolId(toolCallId) };
  if (typeof content === "string") {
    if (content !== "") block.content = content;
  } else {
    const blocks: Array<WireTextBlock | WireImageBlock> = [];
    for (const part of content) {
      const encoded = part.type === "text" ? encodeText(part) : encodeImage(part);
      if (encoded !== undefined) blocks.push(encoded);
    }
    if (blocks.length > 0) block.content = blocks;
  }
  if (isError === true) block.is_error = true;
  return block;
}

/** Consecutive turns of one role become one turn: the API requires alternating roles. */
function mergeSameRole(messages: WireMessage[]): WireMessage[] {
  const merged: WireMessage[] = [];
  for (const message of messages) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && previous.role === message.role) {
      previous.content = [...previous.content, ...message.content];
    } else {
      merged.push({ role: message.role, content: [...message.content] });
    }
  }
  return merged;
}

/** Tool results must come first in the user turn that follows the tool calls. */
function toolResultsFirst(message: WireMessage): WireMessage {
  if (message.role !== "user") return message;
  const results = message.content.filter((block) => block.type === "tool_result");
  if (results.length === 0) return message;
  const others = message.content.filter((block) => block.type !== "tool_result");
  return { role: "user", content: [...results, ...others] };
}

/** A final assistant turn (prefill) may not end in whitespace, or the API answers 400. */
function trimFinalAssistantText(messages: WireMessage[]): void {
  const last = messages[messages.length - 1];
  if (last === undefined || last.role !== "assistant") return;
  const block = last.content[last.content.length - 1];
  if (block !== undefined && block.type === "text") {
    last.content[last.content.length - 1] = { type: "text", text: block.text.trimEnd() };
  }
}
