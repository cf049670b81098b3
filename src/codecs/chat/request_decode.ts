/**
 * Chat request body -> unified request.
 * Reference: platform.openai.com/docs/api-reference/chat/create (request body).
 * Cheap structural checks only (hot path); the first bad field is named in a 400.
 */
import type { InboundContext } from "../codec.ts";
import {
  type ContentPart,
  type ImagePart,
  invalidRequest,
  type ReasoningConfig,
  type ResponseFormat,
  type TextPart,
  type ToolCallPart,
  type ToolChoice,
  type ToolResultPart,
  type UnifiedMessage,
  type UnifiedRequest,
  type UnifiedTool,
} from "../unified.ts";
import { isObject, type JsonObject, objectField, stringField } from "../json_guards.ts";
import { parseBase64DataUrl } from "../data_url.ts";
import { reasoningForOpenAiEffort } from "../reasoning_budget.ts";
import {
  optionalBoolean,
  optionalNumber,
  optionalPositiveInteger,
  optionalString,
} from "../request_fields.ts";
import { decodeReasoning } from "./reasoning_details.ts";

export function toUnifiedRequest(body: unknown, ctx: InboundContext): UnifiedRequest {
  if (!isObject(body)) throw invalidRequest("request body must be a JSON object");
  const model = typeof body.model === "string" && body.model !== "" ? body.model : ctx.model;
  if (model === undefined) {
    throw invalidRequest("model: required, expected a non-empty string", "model");
  }
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    throw invalidRequest("n: only one choice (n = 1) is supported", "n");
  }
  const { system, messages } = decodeMessages(body.messages);
  const request: UnifiedRequest = {
    model,
    messages,
    stream: ctx.stream ?? optionalBoolean(body.stream, "stream") ?? false,
  };
  if (system !== undefined) request.system = system;
  const tools = decodeTools(body.tools);
  if (tools !== undefined) request.tools = tools;
  const toolChoice = decodeToolChoice(body.tool_choice);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const parallel = optionalBoolean(body.parallel_tool_calls, "parallel_tool_calls");
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const maxTokens = optionalPositiveInteger(body.max_completion_tokens, "max_completion_tokens") ??
    optionalPositiveInteger(body.max_tokens, "max_tokens");
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, "temperature");
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p, "top_p");
  if (topP !== undefined) request.topP = topP;
  const stop = decodeStop(body.stop);
  if (stop !== undefined) request.stop = stop;
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;
  const reasoning = decodeReasoningEffort(body.reasoning_effort);
  if (reasoning !== undefined) request.reasoning = reasoning;
  const user = optionalString(body.user, "user");
  if (user !== undefined) request.user = user;
  const metadata = decodeMetadata(body.metadata);
  if (metadata !== undefined) request.metadata = metadata;
  if (
    body.stream_options !== undefined && body.stream_options !== null &&
    !isObject(body.stream_options)
  ) {
    throw invalidRequest("stream_options: expected an object", "stream_options");
  }
  const streamOptions = objectField(body, "stream_options");
  if (streamOptions !== undefined && streamOptions.include_usage === true) {
    request.includeUsage = true;
  }
  return request;
}

// ---- scalar fields ---------------------------------------------------------------------------

function decodeStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
    return value.length === 0 ? undefined : value;
  }
  throw invalidRequest("stop: expected a string or an array of strings", "stop");
}

function decodeMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || !Object.values(value).every((item) => typeof item === "string")) {
    throw invalidRequest("metadata: expected an object of string values", "metadata");
  }
  return value as Record<string, string>;
}

/** `reasoning_effort`; `none` turns reasoning off and `xhigh` is read as the highest level. */
function decodeReasoningEffort(value: unknown): ReasoningConfig | undefined {
  if (value === undefined || value === null) return undefined;
  const reasoning = reasoningForOpenAiEffort(value);
  if (reasoning !== undefined) return reasoning;
  throw invalidRequest(
    "reasoning_effort: expected one of none, minimal, low, medium, high",
    "reasoning_effort",
  );
}

// ---- response_format, tools, tool_choice -----------------------------------------------------

function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const field = "response_format";
  if (!isObject(value)) throw invalidRequest(`${field}: expected an object`, field);
  if (value.type === "text") return { type: "text" };
  if (value.type === "json_object") return { type: "json_object" };
  if (value.type !== "json_schema") {
    throw invalidRequest(`${field}.type: expected text, json_object or json_schema`, field);
  }
  const spec = objectField(value, "json_schema");
  const name = spec === undefined ? undefined : stringField(spec, "name");
  if (spec === undefined || name === undefined) {
    throw invalidRequest(`${field}.json_schema.name: required string`, field);
  }
  const format: ResponseFormat = {
    type: "json_schema",
    name,
    schema: objectField(spec, "schema") ?? {},
  };
  if (typeof spec.strict === "boolean") format.strict = spec.strict;
  const description = stringField(spec, "description");
  if (description !== undefined) format.description = description;
  return format;
}

function decodeTools(value: unknown): UnifiedTool[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidRequest("tools: expected an array", "tools");
  if (value.length === 0) return undefined;
  return value.map((tool, i) => {
    const where = `tools[${i}]`;
    if (!isObject(tool) || tool.type !== "function") {
      throw invalidRequest(`${where}.type: only function tools are supported`, "tools");
    }
    const fn = objectField(tool, "function");
    const name = fn === undefined ? undefined : stringField(fn, "name");
    if (fn === undefined || name === undefined || name === "") {
      throw invalidRequest(`${where}.function.name: required string`, "tools");
    }
    if (fn.parameters !== undefined && fn.parameters !== null && !isObject(fn.parameters)) {
      throw invalidRequest(`${where}.function.parameters: expected a JSON Schema object`, "tools");
    }
    const unified: UnifiedTool = {
      name,
      parameters: objectField(fn, "parameters") ?? { type: "object", properties: {} },
    };
    const description = stringField(fn, "description");
    if (description !== undefined) unified.description = description;
    if (typeof fn.strict === "boolean") unified.strict = fn.strict;
    return unified;
  });
}

function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "auto" || value === "none" || value === "required") return { type: value };
  if (isObject(value) && value.type === "function") {
    const fn = objectField(value, "function");
    const name = fn === undefined ? undefined : stringField(fn, "name");
    if (name !== undefined && name !== "") return { type: "tool", name };
  }
  throw invalidRequest(
    'tool_choice: expected "auto", "none", "required" or {type:"function",function:{name}}',
    "tool_choice",
  );
}

// ---- messages --------------------------------------------------------------------------------

interface DecodedMessages {
  system?: string;
  messages: UnifiedMessage[];
}

/**
 * System and developer messages are lifted into one `system` text wherever they appear.
 * Tool messages become `tool_result` parts of one user turn, which a following user
 * message joins (Anthropic wants results and the next user text in the same turn).
 */
function decodeMessages(value: unknown): DecodedMessages {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidRequest("messages: required, expected a non-empty array", "messages");
  }
  const systemTexts: string[] = [];
  const messages: UnifiedMessage[] = [];
  const toolNames = new Map<string, string>();
  let lastIsToolResults = false;

  value.forEach((message, i) => {
    const where = `messages[${i}]`;
    if (!isObject(message)) throw invalidRequest(`${where}: expected an object`, "messages");
    switch (message.role) {
      case "system":
      case "developer":
        systemTexts.push(decodeTextOnly(message.content, `${where}.content`));
        return;
      case "user": {
        const parts = decodeUserContent(message.content, `${where}.content`);
        if (lastIsToolResults) messages[messages.length - 1].content.push(...parts);
        else messages.push({ role: "user", content: parts });
        lastIsToolResults = false;
        return;
      }
      case "assistant": {
        const content = decodeAssistant(message, where);
        for (const part of content) {
          if (part.type === "tool_call") toolNames.set(part.id, part.name);
        }
        messages.push({ role: "assistant", content });
        lastIsToolResults = false;
        return;
      }
      case "tool": {
        const result = decodeToolMessage(message, where, toolNames);
        if (lastIsToolResults) messages[messages.length - 1].content.push(result);
        else messages.push({ role: "user", content: [result] });
        lastIsToolResults = true;
        return;
      }
      case "function":
        throw invalidRequest(
          `${where}.role: the legacy "function" role is not supported; use "tool" messages`,
          "messages",
        );
      default:
        throw invalidRequest(
          `${where}.role: expected system, developer, user, assistant or tool`,
          "messages",
        );
    }
  });
  if (messages.length === 0) {
    throw invalidRequest(
      "messages: at least one user or assistant message is required",
      "messages",
    );
  }
  const result: DecodedMessages = { messages };
  if (systemTexts.length > 0) result.system = systemTexts.join("\n\n");
  return result;
}

/** Content that may only be text: a string or an array of `text` parts (system, tool). */
function decodeTextOnly(content: unknown, where: string): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part, j) => {
      if (isObject(part) && part.type === "text" && typeof part.text === "string") {
        return part.text;
      }
      throw invalidRequest(`${where}[${j}]: expected a text part`, "messages");
    }).join("");
  }
  throw invalidRequest(`${where}: expected a string or an array of text parts`, "messages");
}

function decodeUserContent(content: unknown, where: string): Array<TextPart | ImagePart> {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) {
    throw invalidRequest(`${where}: expected a string or an array of content parts`, "messages");
  }
  return content.map((part, j) => decodeUserPart(part, `${where}[${j}]`));
}

function decodeUserPart(part: unknown, where: string): TextPart | ImagePart {
  if (!isObject(part)) throw invalidRequest(`${where}: expected a content part`, "messages");
  if (part.type === "text") {
    if (typeof part.text !== "string") {
      throw invalidRequest(`${where}.text: expected a string`, "messages");
    }
    return { type: "text", text: part.text };
  }
  if (part.type === "image_url") return decodeImagePart(part, where);
  const type = typeof part.type === "string" ? part.type : "(missing)";
  throw invalidRequest(
    `${where}.type: content part "${type}" is not supported (text and image_url are)`,
    "messages",
  );
}

/** `image_url.url`: a `data:<mime>;base64,...` URL or an http(s) URL. */
function decodeImagePart(part: JsonObject, where: string): ImagePart {
  const image = part.image_url;
  const url = typeof image === "string" ? image : isObject(image) ? image.url : undefined;
  if (typeof url !== "string") {
    throw invalidRequest(`${where}.image_url.url: expected a string`, "messages");
  }
  const inline = parseBase64DataUrl(url);
  let result: ImagePart;
  if (inline !== undefined) {
    result = { type: "image", source: { kind: "base64", ...inline } };
  } else if (/^https?:\/\//i.test(url)) {
    result = { type: "image", source: { kind: "url", url } };
  } else {
    throw invalidRequest(
      `${where}.image_url.url: expected an http(s) URL or a base64 data URL`,
      "messages",
    );
  }
  const detail = isObject(image) ? image.detail : undefined;
  if (detail === "auto" || detail === "low" || detail === "high") result.detail = detail;
  return result;
}

/** Order on the way in: reasoning, then text, then tool calls (as the model produced them). */
function decodeAssistant(message: JsonObject, where: string): ContentPart[] {
  const reasoningText = stringField(message, "reasoning_content") ??
    stringField(message, "reasoning");
  const content: ContentPart[] = [...decodeReasoning(message.reasoning_details, reasoningText)];
  const text = decodeAssistantText(message.content, `${where}.content`);
  if (text !== "") content.push({ type: "text", text });
  const refusal = stringField(message, "refusal");
  if (refusal !== undefined && refusal !== "") content.push({ type: "text", text: refusal });
  content.push(...decodeToolCalls(message.tool_calls, `${where}.tool_calls`));
  return content;
}

function decodeAssistantText(content: unknown, where: string): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part, j) => {
      if (isObject(part) && part.type === "text" && typeof part.text === "string") {
        return part.text;
      }
      if (isObject(part) && part.type === "refusal" && typeof part.refusal === "string") {
        return part.refusal;
      }
      throw invalidRequest(`${where}[${j}]: expected a text or refusal part`, "messages");
    }).join("");
  }
  throw invalidRequest(`${where}: expected a string, an array of parts or null`, "messages");
}

function decodeToolCalls(value: unknown, where: string): ToolCallPart[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidRequest(`${where}: expected an array`, "messages");
  return value.map((call, k) => {
    const at = `${where}[${k}]`;
    const fn = isObject(call) ? objectField(call, "function") : undefined;
    const id = isObject(call) ? stringField(call, "id") : undefined;
    const name = fn === undefined ? undefined : stringField(fn, "name");
    if (id === undefined || id === "") {
      throw invalidRequest(`${at}.id: required string`, "messages");
    }
    if (fn === undefined || name === undefined) {
      throw invalidRequest(`${at}.function.name: required string`, "messages");
    }
    const args = stringField(fn, "arguments");
    return {
      type: "tool_call",
      id,
      name,
      arguments: args === undefined || args.trim() === "" ? "{}" : args,
    };
  });
}

function decodeToolMessage(
  message: JsonObject,
  where: string,
  toolNames: Map<string, string>,
): ToolResultPart {
  const toolCallId = stringField(message, "tool_call_id");
  if (toolCallId === undefined || toolCallId === "") {
    throw invalidRequest(`${where}.tool_call_id: required string`, "messages");
  }
  const result: ToolResultPart = {
    type: "tool_result",
    toolCallId,
    content: decodeTextOnly(message.content, `${where}.content`),
  };
  const name = toolNames.get(toolCallId);
  if (name !== undefined) result.name = name;
  return result;
}
