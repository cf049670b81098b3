/**
 * Inbound: an Anthropic Messages request -> the unified request
 * (API reference, "Messages" -> "Create a Message", request body).
 */
// Long file: one validator per Anthropic content block and field, each naming the JSON path of
// a bad value, sharing the path helpers; the same shape as the other request decoders.
import type { InboundContext } from "../codec.ts";
import type {
  ContentPart,
  ImagePart,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  ToolChoice,
  UnifiedMessage,
  UnifiedRequest,
} from "../unified.ts";
import { readTools } from "./tools_decode.ts";
import { signatureFromCarrier } from "../signature_carrier.ts";
import { invalidRequest } from "../unified.ts";
import { isObject, isString, type JsonObject } from "../json_guards.ts";
import { effortForBudget } from "../reasoning_budget.ts";
import { optionalBoolean, optionalNumber } from "../request_fields.ts";

export function toUnifiedRequest(body: unknown, _ctx: InboundContext): UnifiedRequest {
  if (!isObject(body)) throw invalidRequest("request body: expected a JSON object");
  const model = readModel(body);
  const conversation = readMessages(body.messages);
  const request: UnifiedRequest = {
    model,
    messages: conversation.messages,
    maxTokens: readMaxTokens(body.max_tokens),
    stream: optionalBoolean(body.stream, "stream") ?? false,
  };
  const system = joinSystemTexts([readSystem(body.system), ...conversation.systemTexts]);
  if (system !== undefined) request.system = system;
  assignSampling(request, body);
  const stop = readStopSequences(body.stop_sequences);
  if (stop !== undefined) request.stop = stop;
  const { tools, hosted } = readTools(body.tools);
  if (tools.length > 0) request.tools = tools;
  if (hosted.length > 0) request.hostedTools = hosted;
  assignToolChoice(request, body.tool_choice);
  const reasoning = readReasoning(body.thinking, body.output_config);
  if (reasoning !== undefined) request.reasoning = reasoning;
  const responseFormat = readResponseFormat(body);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;
  const user = readUserId(body.metadata);
  if (user !== undefined) request.user = user;
  return request;
}

function readModel(body: JsonObject): string {
  if (body.model === undefined) throw invalidRequest("model: Field required", "model");
  if (!isString(body.model) || body.model === "") {
    throw invalidRequest("model: expected a non-empty string", "model");
  }
  return body.model;
}

function readMaxTokens(value: unknown): number {
  if (value === undefined) throw invalidRequest("max_tokens: Field required", "max_tokens");
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw invalidRequest("max_tokens: expected a positive integer", "max_tokens");
  }
  return value as number;
}

function assignSampling(request: UnifiedRequest, body: JsonObject): void {
  const temperature = optionalNumber(body.temperature, "temperature");
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p, "top_p");
  if (topP !== undefined) request.topP = topP;
  const topK = optionalNumber(body.top_k, "top_k");
  if (topK !== undefined) request.topK = topK;
}

/** `system`: a string or an array of text blocks; blocks are joined with blank lines. */
function readSystem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (isString(value)) return value === "" ? undefined : value;
  if (!Array.isArray(value)) {
    throw invalidRequest("system: expected a string or an array of text blocks", "system");
  }
  const texts = value.map((block, i) => {
    const path = `system[${i}]`;
    if (!isObject(block) || block.type !== "text" || !isString(block.text)) {
      throw invalidRequest(`${path}: expected a text block {type: "text", text}`, path);
    }
    return block.text;
  });
  return joinSystemTexts(texts);
}

function joinSystemTexts(texts: Array<string | undefined>): string | undefined {
  const joined = texts.filter((text) => text !== undefined && text !== "").join("\n\n");
  return joined === "" ? undefined : joined;
}

function readStopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every(isString)) {
    throw invalidRequest("stop_sequences: expected an array of strings", "stop_sequences");
  }
  return value.length === 0 ? undefined : value;
}

function readUserId(metadata: unknown): string | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (!isObject(metadata)) throw invalidRequest("metadata: expected an object", "metadata");
  // The API's metadata holds `user_id` only, a string: nothing nested is passed on.
  for (const [key, value] of Object.entries(metadata)) {
    if (value !== null && !isString(value)) {
      throw invalidRequest(`metadata.${key}: expected a string`, `metadata.${key}`);
    }
  }
  const userId = metadata.user_id;
  if (userId === undefined || userId === null) return undefined;
  if (!isString(userId)) {
    throw invalidRequest("metadata.user_id: expected a string", "metadata.user_id");
  }
  return userId;
}

// ---- messages ---------------------------------------------------------------------------------

interface Conversation {
  messages: UnifiedMessage[];
  /** Texts of `system` role messages, in order. */
  systemTexts: string[];
}

/**
 * `messages` (API reference, "Create a Message": `MessageParam` is a user, assistant or system
 * message). System messages have no place among unified turns, so their text joins `system`.
 */
function readMessages(value: unknown): Conversation {
  if (value === undefined) throw invalidRequest("messages: Field required", "messages");
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidRequest("messages: expected a non-empty array of messages", "messages");
  }
  const conversation: Conversation = { messages: [], systemTexts: [] };
  value.forEach((message, i) => {
    const path = `messages[${i}]`;
    if (isObject(message) && message.role === "system") {
      conversation.systemTexts.push(readSystemMessage(message.content, `${path}.content`));
    } else {
      conversation.messages.push(readMessage(message, path));
    }
  });
  if (conversation.messages.length === 0) {
    throw invalidRequest(
      "messages: at least one user or assistant message is required",
      "messages",
    );
  }
  return conversation;
}

/** `SystemMessageParam.content`: a string or text blocks. */
function readSystemMessage(content: unknown, path: string): string {
  if (isString(content)) return content;
  if (!Array.isArray(content)) {
    throw invalidRequest(`${path}: expected a string or an array of text blocks`, path);
  }
  return content.map((block, i) => {
    const blockPath = `${path}[${i}]`;
    if (!isObject(block) || block.type !== "text") {
      throw invalidRequest(`${blockPath}: expected a text block {type: "text", text}`, blockPath);
    }
    return readTextBlock(block, blockPath).text;
  }).join("\n\n");
}

function readMessage(value: unknown, path: string): UnifiedMessage {
  if (!isObject(value)) throw invalidRequest(`${path}: expected a message object`, path);
  const role = value.role;
  if (role !== "user" && role !== "assistant") {
    throw invalidRequest(
      `${path}.role: expected "user", "assistant" or "system"`,
      `${path}.role`,
    );
  }
  return { role, content: readMessageContent(value.content, role, `${path}.content`) };
}

function readMessageContent(
  value: unknown,
  role: "user" | "assistant",
  path: string,
): ContentPart[] {
  if (isString(value)) return [{ type: "text", text: value }];
  if (!Array.isArray(value)) {
    throw invalidRequest(`${path}: expected a string or an array of content blocks`, path);
  }
  return value.map((block, i) => readContentBlock(block, role, `${path}[${i}]`));
}

/** Content block types (API reference, "Content blocks"). */
function readContentBlock(value: unknown, role: "user" | "assistant", path: string): ContentPart {
  if (!isObject(value) || !isString(value.type)) {
    throw invalidRequest(`${path}: expected a content block with a "type"`, path);
  }
  switch (value.type) {
    case "text":
      return readTextBlock(value, path);
    case "image":
      return readImageBlock(value, path);
    case "tool_use":
      requireRole(role, "assistant", value.type, path);
      return readToolUseBlock(value, path);
    case "tool_result":
      requireRole(role, "user", value.type, path);
      return readToolResultBlock(value, path);
    case "thinking":
      requireRole(role, "assistant", value.type, path);
      return readThinkingBlock(value, path);
    case "redacted_thinking":
      requireRole(role, "assistant", value.type, path);
      return readRedactedThinkingBlock(value, path);
    default:
      // `document`, `search_result`, server tool blocks...: no unified form, so refuse openly.
      throw invalidRequest(
        `${path}.type: content block type "${value.type}" is not supported by this gateway`,
        `${path}.type`,
      );
  }
}

function requireRole(
  role: "user" | "assistant",
  expected: "user" | "assistant",
  type: string,
  path: string,
): void {
  if (role !== expected) {
    throw invalidRequest(`${path}: "${type}" blocks may only appear in ${expected} messages`, path);
  }
}

function readTextBlock(block: JsonObject, path: string): TextPart {
  if (!isString(block.text)) {
    throw invalidRequest(`${path}.text: expected a string`, `${path}.text`);
  }
  return { type: "text", text: block.text };
}

function readImageBlock(block: JsonObject, path: string): ImagePart {
  const source = block.source;
  const sourcePath = `${path}.source`;
  if (!isObject(source)) throw invalidRequest(`${sourcePath}: expected an object`, sourcePath);
  if (source.type === "base64") {
    if (!isString(source.media_type) || !isString(source.data)) {
      throw invalidRequest(
        `${sourcePath}: a base64 source needs string "media_type" and "data"`,
        sourcePath,
      );
    }
    return {
      type: "image",
      source: { kind: "base64", mediaType: source.media_type, data: source.data },
    };
  }
  if (source.type === "url") {
    if (!isString(source.url)) {
      throw invalidRequest(`${sourcePath}.url: expected a string`, `${sourcePath}.url`);
    }
    return { type: "image", source: { kind: "url", url: source.url } };
  }
  throw invalidRequest(
    `${sourcePath}.type: expected "base64" or "url" (file sources are not supported)`,
    `${sourcePath}.type`,
  );
}

function readToolUseBlock(block: JsonObject, path: string): ContentPart {
  if (!isString(block.id)) throw invalidRequest(`${path}.id: expected a string`, `${path}.id`);
  if (!isString(block.name)) {
    throw invalidRequest(`${path}.name: expected a string`, `${path}.name`);
  }
  const input = block.input ?? {};
  if (!isObject(input)) {
    throw invalidRequest(`${path}.input: expected an object`, `${path}.input`);
  }
  return { type: "tool_call", id: block.id, name: block.name, arguments: JSON.stringify(input) };
}

function readToolResultBlock(block: JsonObject, path: string): ContentPart {
  if (!isString(block.tool_use_id)) {
    throw invalidRequest(`${path}.tool_use_id: expected a string`, `${path}.tool_use_id`);
  }
  const isError = optionalBoolean(block.is_error, `${path}.is_error`);
  const part: ContentPart = {
    type: "tool_result",
    toolCallId: block.tool_use_id,
    content: readToolResultContent(block.content, `${path}.content`),
  };
  if (isError === true) part.isError = true;
  return part;
}

function readToolResultContent(value: unknown, path: string): string | Array<TextPart | ImagePart> {
  if (value === undefined || value === null) return "";
  if (isString(value)) return value;
  if (!Array.isArray(value)) {
    throw invalidRequest(`${path}: expected a string or an array of text and image blocks`, path);
  }
  return value.map((block, i) => {
    const itemPath = `${path}[${i}]`;
    if (isObject(block) && block.type === "text") return readTextBlock(block, itemPath);
    if (isObject(block) && block.type === "image") return readImageBlock(block, itemPath);
    throw invalidRequest(`${itemPath}: only text and image blocks are supported here`, itemPath);
  });
}

function readThinkingBlock(block: JsonObject, path: string): ContentPart {
  if (!isString(block.thinking)) {
    throw invalidRequest(`${path}.thinking: expected a string`, `${path}.thinking`);
  }
  if (block.signature !== undefined && !isString(block.signature)) {
    throw invalidRequest(`${path}.signature: expected a string`, `${path}.signature`);
  }
  const part: ContentPart = { type: "reasoning", text: block.thinking };
  if (isString(block.signature) && block.signature !== "") {
    Object.assign(part, signatureFromCarrier(block.signature, "anthropic"));
  }
  return part;
}

function readRedactedThinkingBlock(block: JsonObject, path: string): ContentPart {
  if (!isString(block.data)) {
    throw invalidRequest(`${path}.data: expected a string`, `${path}.data`);
  }
  return { type: "reasoning", text: "", redactedData: block.data };
}

// ---- tools ------------------------------------------------------------------------------------

/** `tool_choice` (Tool use, "Forcing tool use"). */
function assignToolChoice(request: UnifiedRequest, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) throw invalidRequest("tool_choice: expected an object", "tool_choice");
  request.toolChoice = readToolChoiceType(value);
  const disableParallel = optionalBoolean(
    value.disable_parallel_tool_use,
    "tool_choice.disable_parallel_tool_use",
  );
  if (disableParallel === true) request.parallelToolCalls = false;
}

function readToolChoiceType(value: JsonObject): ToolChoice {
  switch (value.type) {
    case "auto":
      return { type: "auto" };
    case "any":
      return { type: "required" };
    case "none":
      return { type: "none" };
    case "tool":
      if (!isString(value.name) || value.name === "") {
        throw invalidRequest(
          'tool_choice.name: Field required for type "tool"',
          "tool_choice.name",
        );
      }
      return { type: "tool", name: value.name };
    default:
      throw invalidRequest(
        'tool_choice.type: expected "auto", "any", "tool" or "none"',
        "tool_choice.type",
      );
  }
}

// ---- reasoning and output format ----------------------------------------------------------------

/** `thinking` (Extended thinking; Adaptive thinking) and `output_config.effort` (Effort). */
function readReasoning(thinking: unknown, outputConfig: unknown): ReasoningConfig | undefined {
  const effort = readEffort(outputConfig);
  if (thinking === undefined || thinking === null) {
    return effort === undefined ? undefined : { enabled: true, effort };
  }
  if (!isObject(thinking)) throw invalidRequest("thinking: expected an object", "thinking");
  switch (thinking.type) {
    case "disabled":
      return { enabled: false };
    case "adaptive":
      return effort === undefined ? { enabled: true } : { enabled: true, effort };
    case "enabled": {
      const budget = thinking.budget_tokens;
      if (!Number.isInteger(budget) || (budget as number) < 1) {
        throw invalidRequest(
          "thinking.budget_tokens: expected a positive integer",
          "thinking.budget_tokens",
        );
      }
      const budgetTokens = budget as number;
      return { enabled: true, budgetTokens, effort: effort ?? effortForBudget(budgetTokens) };
    }
    default:
      throw invalidRequest(
        'thinking.type: expected "enabled", "disabled" or "adaptive"',
        "thinking.type",
      );
  }
}

/** Anthropic efforts above "high" (`xhigh`, `max`) have no unified name: they become "high". */
function readEffort(outputConfig: unknown): ReasoningEffort | undefined {
  if (!isObject(outputConfig)) return undefined;
  switch (outputConfig.effort) {
    case "low":
    case "medium":
    case "high":
      return outputConfig.effort;
    case "xhigh":
    case "max":
      return "high";
    default:
      return undefined;
  }
}

/** `output_format` or `output_config.format` (Structured outputs, "JSON outputs"). */
function readResponseFormat(body: JsonObject): ResponseFormat | undefined {
  if (body.output_format !== undefined && body.output_format !== null) {
    return readJsonSchemaFormat(body.output_format, "output_format");
  }
  const config = body.output_config;
  if (config === undefined || config === null) return undefined;
  if (!isObject(config)) throw invalidRequest("output_config: expected an object", "output_config");
  if (config.format === undefined || config.format === null) return undefined;
  return readJsonSchemaFormat(config.format, "output_config.format");
}

function readJsonSchemaFormat(value: unknown, path: string): ResponseFormat {
  if (!isObject(value) || value.type !== "json_schema") {
    throw invalidRequest(`${path}.type: expected "json_schema"`, `${path}.type`);
  }
  if (!isObject(value.schema)) {
    throw invalidRequest(`${path}.schema: expected a JSON Schema object`, `${path}.schema`);
  }
  return { type: "json_schema", name: "response", schema: value.schema, strict: true };
}
