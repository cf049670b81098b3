/**
 * Unified request -> chat request body for an OpenAI-compatible upstream.
 * Reference: platform.openai.com/docs/api-reference/chat/create (request body).
 */
import type { TargetInfo } from "../codec.ts";
import type {
  ImagePart,
  ReasoningConfig,
  ReasoningEffort,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolChoice,
  ToolResultPart,
  UnifiedMessage,
  UnifiedRequest,
} from "../unified.ts";
import { imageSourceUrl } from "../data_url.ts";
import { effortOf } from "../reasoning_budget.ts";
import { encodeReasoningDetails } from "./reasoning_details.ts";
import type { ChatToolCall } from "./wire.ts";

type ChatMessage = Record<string, unknown>;

/** OpenAI reasoning models reject `max_tokens` (see fixture reasoning-model-legacy-parameter-error). */
const MAX_COMPLETION_TOKENS_MODEL = /^(o\d|gpt-5)/;

export function fromUnifiedRequest(
  req: UnifiedRequest,
  target: TargetInfo,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: target.model, messages: encodeMessages(req) };
  if (req.tools !== undefined && req.tools.length > 0) {
    body.tools = req.tools.map((tool) => {
      const fn: Record<string, unknown> = { name: tool.name };
      if (tool.description !== undefined) fn.description = tool.description;
      fn.parameters = tool.parameters;
      if (tool.strict !== undefined) fn.strict = tool.strict;
      return { type: "function", function: fn };
    });
    // OpenAI rejects `parallel_tool_calls` when no tools are given, so it only goes with tools.
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }
  if (req.toolChoice !== undefined) body.tool_choice = encodeToolChoice(req.toolChoice);
  if (req.maxTokens !== undefined) {
    // Other OpenAI-compatible servers widely know only `max_tokens`.
    const key = MAX_COMPLETION_TOKENS_MODEL.test(target.model)
      ? "max_completion_tokens"
      : "max_tokens";
    body[key] = req.maxTokens;
  }
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  // `topK` is dropped: the chat API has no such parameter.
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop;
  const effort = reasoningEffortFor(req.reasoning);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (req.responseFormat !== undefined) {
    const format = req.responseFormat;
    if (format.type === "json_schema") {
      const spec: Record<string, unknown> = { name: format.name, schema: format.schema };
      if (format.strict !== undefined) spec.strict = format.strict;
      if (format.description !== undefined) spec.description = format.description;
      body.response_format = { type: "json_schema", json_schema: spec };
    } else {
      body.response_format = { type: format.type };
    }
  }
  if (req.user !== undefined) body.user = req.user;
  // `metadata` is dropped: OpenAI accepts it only together with `store: true`, which would
  // store the conversation upstream, a choice the gateway does not make for its clients.
  if (req.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

function encodeToolChoice(choice: ToolChoice): unknown {
  return choice.type === "tool"
    ? { type: "function", function: { name: choice.name } }
    : choice.type;
}

/**
 * Disabled reasoning is dropped (most chat models have no "off" value); a bare budget becomes
 * the nearest effort: <=1024 minimal, <=4096 low, <=16384 medium, else high.
 */
export function reasoningEffortFor(
  reasoning: ReasoningConfig | undefined,
): ReasoningEffort | undefined {
  if (reasoning === undefined || !reasoning.enabled) return undefined;
  return effortOf(reasoning);
}

function encodeMessages(req: UnifiedRequest): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (req.system !== undefined && req.system !== "") {
    messages.push({ role: "system", content: req.system });
  }
  for (const message of req.messages) {
    if (message.role === "assistant") messages.push(encodeAssistant(message));
    else messages.push(...encodeUser(message));
  }
  return messages;
}

/**
 * Tool results become `tool` messages, first, because chat wants them right after the
 * assistant's tool calls; the rest of the turn follows as one user message, led by the images
 * the tool results held (a tool message carries text only).
 */
function encodeUser(message: UnifiedMessage): ChatMessage[] {
  const results = message.content.filter((p): p is ToolResultPart => p.type === "tool_result");
  const resultImages = results.flatMap((result) =>
    typeof result.content === "string"
      ? []
      : result.content.filter((part): part is ImagePart => part.type === "image")
  );
  const rest = [
    ...resultImages,
    ...message.content.filter((p): p is TextPart | ImagePart =>
      p.type === "text" || p.type === "image"
    ),
  ];
  const out: ChatMessage[] = results.map((result) => ({
    role: "tool",
    tool_call_id: result.toolCallId,
    content: toolResultText(result),
  }));
  if (rest.length === 1 && rest[0].type === "text") {
    out.push({ role: "user", content: rest[0].text });
  } else if (rest.length > 0) {
    out.push({ role: "user", content: rest.map(encodeUserPart) });
  }
  return out;
}

/**
 * Chat tool messages carry text only (API reference, tool message `content`: string or text
 * parts): an image in a result becomes a note pointing at the user message that carries it.
 * `isError` has no chat field and is dropped.
 */
function toolResultText(result: ToolResultPart): string {
  if (typeof result.content === "string") return result.content;
  return result.content
    .map((part) => part.type === "text" ? part.text : "[image in the next user message]")
    .join("\n");
}

function encodeUserPart(part: TextPart | ImagePart): Record<string, unknown> {
  if (part.type === "text") return { type: "text", text: part.text };
  const image: Record<string, unknown> = { url: imageSourceUrl(part.source) };
  if (part.detail !== undefined) image.detail = part.detail;
  return { type: "image_url", image_url: image };
}

/**
 * Reasoning goes out as `reasoning_content` (plain text) and, when it has signatures or opaque
 * data, as `reasoning_details`; servers that know neither ignore them.
 */
function encodeAssistant(message: UnifiedMessage): ChatMessage {
  const texts: string[] = [];
  const reasoning: ReasoningPart[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const part of message.content) {
    if (part.type === "text") texts.push(part.text);
    else if (part.type === "reasoning") reasoning.push(part);
    else if (part.type === "tool_call") toolCalls.push(encodeToolCall(part));
  }
  const out: ChatMessage = {
    role: "assistant",
    content: texts.length === 0 && toolCalls.length > 0 ? null : texts.join(""),
  };
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  const reasoningText = reasoning.map((part) => part.text).join("");
  if (reasoningText !== "") out.reasoning_content = reasoningText;
  const details = encodeReasoningDetails(reasoning);
  if (details !== undefined) out.reasoning_details = details;
  return out;
}

function encodeToolCall(part: ToolCallPart): ChatToolCall {
  return {
    id: part.id,
    type: "function",
    function: { name: part.name, arguments: part.arguments },
  };
}
