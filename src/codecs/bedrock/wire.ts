/**
 * The Bedrock Converse wire shapes Plexus writes (Amazon Bedrock API Reference, "Converse":
 * Message, ContentBlock, SystemContentBlock, ToolConfiguration, InferenceConfiguration).
 */

export type WireImageFormat = "png" | "jpeg" | "gif" | "webp";

export interface WireImageBlock {
  format: WireImageFormat;
  /** `bytes` is base64 in the JSON protocol. */
  source: { bytes: string };
}

export type WireToolResultContent =
  | { text: string }
  | { json: unknown }
  | { image: WireImageBlock };

/** ReasoningContentBlock: signed text, or the provider's encrypted `redactedContent`. */
export type WireReasoningContent =
  | { reasoningText: { text: string; signature?: string } }
  | { redactedContent: string };

export type WireContentBlock =
  | { text: string }
  | { image: WireImageBlock }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | {
    toolResult: {
      toolUseId: string;
      content: WireToolResultContent[];
      status?: "success" | "error";
    };
  }
  | { reasoningContent: WireReasoningContent };

export interface WireMessage {
  role: "user" | "assistant";
  content: WireContentBlock[];
}

export interface WireTool {
  toolSpec: { name: string; description?: string; inputSchema: { json: unknown } };
}

/** ToolChoice: Converse has `auto`, `any` and `tool`; there is no `none`. */
export type WireToolChoice = { auto: Record<never, never> } | { any: Record<never, never> } | {
  tool: { name: string };
};

export interface WireInferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}
