/**
 * TypeScript shapes of the OpenAI Chat Completions wire format that Plexus writes.
 * Reference: platform.openai.com/docs/api-reference/chat (the chat completion object,
 * the chat completion chunk object).
 */

export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** OpenRouter-style `reasoning_details` entry (its "reasoning details" format). */
export type ChatReasoningDetail =
  | { type: "reasoning.text"; text: string; signature?: string; id?: string; format?: string }
  | { type: "reasoning.encrypted"; data: string; id?: string; format?: string };

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export interface ChatCompletionMessage {
  role: "assistant";
  content: string | null;
  refusal: string | null;
  tool_calls?: ChatToolCall[];
  reasoning_content?: string;
  reasoning_details?: ChatReasoningDetail[];
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: ChatCompletionMessage;
    logprobs: null;
    finish_reason: ChatFinishReason;
  }>;
  usage: ChatUsage;
}

export interface ChatChunkToolCall {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

export interface ChatDelta {
  role?: "assistant";
  content?: string;
  reasoning_content?: string;
  reasoning_details?: ChatReasoningDetail[];
  tool_calls?: ChatChunkToolCall[];
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    delta: ChatDelta;
    logprobs: null;
    finish_reason: ChatFinishReason | null;
  }>;
  usage?: ChatUsage;
}
