/** The Anthropic Messages wire shapes Plexus writes (API reference, "Messages"). */

export type WireImageSource =
  | { type: "base64"; media_type: string; data: string }
  | { type: "url"; url: string };

export interface WireTextBlock {
  type: "text";
  text: string;
}

export interface WireImageBlock {
  type: "image";
  source: WireImageSource;
}

export interface WireToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface WireToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: string | Array<WireTextBlock | WireImageBlock>;
  is_error?: boolean;
}

export interface WireThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
}

export interface WireRedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}

export type WireContentBlock =
  | WireTextBlock
  | WireImageBlock
  | WireToolUseBlock
  | WireToolResultBlock
  | WireThinkingBlock
  | WireRedactedThinkingBlock;

/** Blocks an assistant answer may hold. */
export type WireResponseBlock =
  | WireTextBlock
  | WireToolUseBlock
  | WireThinkingBlock
  | WireRedactedThinkingBlock;

export interface WireMessage {
  role: "user" | "assistant";
  content: WireContentBlock[];
}

export type WireToolChoice =
  | { type: "auto"; disable_parallel_tool_use?: boolean }
  | { type: "any"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean }
  | { type: "none" };

export interface WireTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}
