/**
 * Outbound: unified turns -> Converse `messages` (API Reference, "Message" and "ContentBlock").
 * Like the Anthropic models behind it, Converse wants alternating roles starting with the user,
 * tool results in the user turn after the calls, and no empty text blocks.
 */
import { signatureFor } from "../signature_carrier.ts";
import type { ContentPart, ImagePart, TextPart, UnifiedMessage } from "../unified.ts";
import { invalidRequest } from "../unified.ts";
import { parseBase64DataUrl } from "../data_url.ts";
import { isObject, parseJson } from "../json_guards.ts";
import type {
  WireContentBlock,
  WireImageBlock,
  WireImageFormat,
  WireMessage,
  WireToolResultContent,
} from "./wire.ts";

export function encodeMessages(messages: UnifiedMessage[]): WireMessage[] {
  const merged: WireMessage[] = [];
  messages.forEach((message, i) => {
    const content = encodeParts(message.content, `messages[${i}]`);
    if (content.length === 0) return;
    const previous = merged[merged.length - 1];
    if (previous !== undefined && previous.role === message.role) previous.content.push(...content);
    else merged.push({ role: message.role, content });
  });
  return merged.map(toolResultsFirst);
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
      return part.text.trim() === "" ? undefined : { text: part.text };
    case "image":
      return { image: encodeImage(part, path) };
    case "tool_call":
      return {
        toolUse: {
          toolUseId: toolUseId(part.id),
          name: part.name,
          input: parseToolInput(part.arguments, path),
        },
      };
    case "tool_result":
      return {
        toolResult: {
          toolUseId: toolUseId(part.toolCallId),
          content: encodeToolResultContent(part.content, path),
          ...(part.isError === true ? { status: "error" as const } : {}),
        },
      };
    case "reasoning":
      // Signed reasoning and redacted reasoning go back unchanged; unsigned reasoning from
      // another provider is dropped, as Claude on Bedrock rejects thinking it did not sign.
      if (signatureFor(part, "anthropic") !== undefined) {
        return {
          reasoningContent: { reasoningText: { text: part.text, signature: part.signature! } },
        };
      }
      if (part.redactedData !== undefined) {
        return { reasoningContent: { redactedContent: part.redactedData } };
      }
      return undefined;
  }
}

/** ImageBlock: only inline bytes in one of four formats ("ImageSource": bytes or S3). */
function encodeImage(part: ImagePart, path: string): WireImageBlock {
  const inline = part.source.kind === "base64"
    ? { mediaType: part.source.mediaType, data: part.source.data }
    : parseBase64DataUrl(part.source.url);
  if (inline === undefined) {
    throw invalidRequest(
      `${path}: Bedrock takes images as inline data only; send a base64 data URL, not a link`,
      path,
    );
  }
  const format = imageFormat(inline.mediaType);
  if (format === undefined) {
    throw invalidRequest(
      `${path}: Bedrock takes png, jpeg, gif or webp images, not ${inline.mediaType}`,
      path,
    );
  }
  return { format, source: { bytes: inline.data } };
}

function imageFormat(mediaType: string): WireImageFormat | undefined {
  switch (mediaType.toLowerCase()) {
    case "image/png":
      return "png";
    case "image/jpeg":
    case "image/jpg":
      return "jpeg";
    case "image/gif":
      return "gif";
    case "image/webp":
      return "webp";
    default:
      return undefined;
  }
}

function encodeToolResultContent(
  content: string | Array<TextPart | ImagePart>,
  path: string,
): WireToolResultContent[] {
  if (typeof content === "string") return [{ text: content }];
  const out: WireToolResultContent[] = [];
  content.forEach((part, k) => {
    if (part.type === "image") out.push({ image: encodeImage(part, `${path}.content[${k}]`) });
    else if (part.text !== "") out.push({ text: part.text });
  });
  // ToolResultBlock.content is required; an empty result is sent as empty text.
  return out.length > 0 ? out : [{ text: "" }];
}

/** ToolUseBlock.toolUseId: `[a-zA-Z0-9_-]+`, at most 64 characters. */
function toolUseId(id: string): string {
  const clean = id.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return clean === "" ? "tool_call" : clean;
}

/** Tool call `arguments` (JSON text) -> `input` (a JSON object); `""` means no arguments. */
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

/** Tool results must come first in the user turn that follows the tool calls. */
function toolResultsFirst(message: WireMessage): WireMessage {
  if (message.role !== "user") return message;
  const results = message.content.filter((block) => "toolResult" in block);
  if (results.length === 0) return message;
  const others = message.content.filter((block) => !("toolResult" in block));
  return { role: "user", content: [...results, ...others] };
}
