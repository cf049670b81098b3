/**
 * Inbound: a Responses request body -> the unified request
 * (OpenAI API reference, "Responses" -> "Create a model response", request body).
 */
import type { InboundContext } from "../codec.ts";
import {
  type ContentPart,
  type ImagePart,
  invalidRequest,
  type ReasoningConfig,
  type ResponseFormat,
  type TextPart,
  type UnifiedMessage,
  type UnifiedRequest,
} from "../unified.ts";
import { parseBase64DataUrl } from "../data_url.ts";
import { reasoningForOpenAiEffort } from "../reasoning_budget.ts";
import {
  optionalBoolean,
  optionalNumber,
  optionalPositiveInteger,
  optionalString,
} from "../request_fields.ts";
import { reasoningFieldsFrom } from "./reasoning_carrier.ts";
import { isObject, type JsonObject, stringField } from "../json_guards.ts";
import { decodeToolChoice, decodeTools } from "./tools_decode.ts";
import { flatToolName } from "../tool_names.ts";

export function toUnifiedRequest(body: unknown, ctx: InboundContext): UnifiedRequest {
  if (!isObject(body)) throw invalidRequest("request body: expected a JSON object");
  const model = body.model ?? ctx.model;
  if (typeof model !== "string" || model === "") {
    throw invalidRequest("model: required, expected a string", "model");
  }
  if (body.input === undefined || body.input === null) {
    throw invalidRequest("input: required, expected a string or an array of input items", "input");
  }
  const { system, messages, itemReference } = decodeInput(body.input);
  const instructions = optionalString(body.instructions, "instructions");
  const systemParts = [instructions, system].filter((s): s is string => !!s);

  const request: UnifiedRequest = {
    model,
    messages,
    stream: optionalBoolean(body.stream, "stream") ?? ctx.stream ?? false,
  };
  if (systemParts.length > 0) request.system = systemParts.join("\n\n");
  if (body.tools !== undefined && body.tools !== null) {
    const { tools, hosted } = decodeTools(body.tools);
    if (tools.length > 0) request.tools = tools;
    if (hosted.length > 0) request.hostedTools = hosted;
  }
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    request.toolChoice = decodeToolChoice(body.tool_choice);
  }
  const parallel = optionalBoolean(body.parallel_tool_calls, "parallel_tool_calls");
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const maxTokens = optionalPositiveInteger(body.max_output_tokens, "max_output_tokens");
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, "temperature");
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p, "top_p");
  if (topP !== undefined) request.topP = topP;
  const reasoning = decodeReasoning(body.reasoning);
  if (reasoning) request.reasoning = reasoning;
  const format = decodeTextFormat(body.text);
  if (format) request.responseFormat = format;
  const metadata = decodeMetadata(body.metadata);
  if (metadata) request.metadata = metadata;
  const user = optionalString(body.user, "user");
  if (user !== undefined) request.user = user;
  const providerState = providerStateOf(body, itemReference);
  if (providerState !== undefined) request.providerState = providerState;
  // `store`, `include`, `truncation`, `service_tier`... are read by the gateway (`store`) or
  // ignored: the answer says what the upstream gave.
  return request;
}

/**
 * State this body still needs from a provider: references the gateway resolved are gone from it
 * (src/gateway/responses_state.ts), so what is left only a Responses provider can resolve.
 */
function providerStateOf(
  body: JsonObject,
  itemReference: string | undefined,
): UnifiedRequest["providerState"] {
  const previous = optionalString(body.previous_response_id, "previous_response_id");
  if (previous !== undefined) return { kind: "previous_response", id: previous };
  const conversation = body.conversation;
  if (typeof conversation === "string") return { kind: "conversation", id: conversation };
  if (isObject(conversation) && typeof conversation.id === "string") {
    return { kind: "conversation", id: conversation.id };
  }
  if (conversation !== undefined && conversation !== null) {
    throw invalidRequest("conversation: expected a string or {id}", "conversation");
  }
  return itemReference === undefined ? undefined : { kind: "item", id: itemReference };
}

// ---- input items ----------------------------------------------------------------------------

interface DecodedInput {
  system?: string;
  messages: UnifiedMessage[];
  /** The first `item_reference` left in the input (only its keeper can resolve it). */
  itemReference?: string;
}

/** "Input items": easy messages, `message`, `function_call`, `function_call_output`, `reasoning`. */
function decodeInput(input: unknown): DecodedInput {
  if (typeof input === "string") {
    return { messages: [{ role: "user", content: [{ type: "text", text: input }] }] };
  }
  if (!Array.isArray(input)) {
    throw invalidRequest("input: expected a string or an array of input items", "input");
  }
  const systemTexts: string[] = [];
  const messages: UnifiedMessage[] = [];
  let itemReference: string | undefined;
  const append = (role: UnifiedMessage["role"], parts: ContentPart[]) => {
    if (parts.length === 0) return;
    const last = messages[messages.length - 1];
    // Adjacent turns of one role merge: APIs like Anthropic require alternating roles.
    if (last && last.role === role) last.content.push(...parts);
    else messages.push({ role, content: parts });
  };
  input.forEach((item, i) => {
    const path = `input[${i}]`;
    if (!isObject(item)) throw invalidRequest(`${path}: expected an object`, "input");
    const type = item.type ?? "message";
    switch (type) {
      case "message": {
        const role = item.role;
        if (role === "system" || role === "developer") {
          systemTexts.push(decodeSystemContent(item.content, path));
        } else if (role === "user" || role === "assistant") {
          append(role, decodeMessageContent(item.content, path, role));
        } else {
          throw invalidRequest(
            `${path}.role: expected "user", "assistant", "system" or "developer"`,
            "input",
          );
        }
        return;
      }
      case "function_call":
        append("assistant", [decodeFunctionCall(item, path)]);
        return;
      case "custom_tool_call":
        append("assistant", [decodeCustomToolCall(item, path)]);
        return;
      case "function_call_output":
      case "custom_tool_call_output":
        append("user", [decodeFunctionCallOutput(item, path)]);
        return;
      case "reasoning":
        append("assistant", decodeReasoningItem(item, path));
        return;
      case "item_reference":
        itemReference ??= requireString(item, "id", path);
        return;
      default:
        if (typeof type === "string" && HOSTED_TOOL_ITEM.test(type)) return;
        throw invalidRequest(
          `${path}.type: "${String(type)}" items are not supported by Plexus`,
          "input",
        );
    }
  });
  return {
    system: systemTexts.length > 0 ? systemTexts.join("\n\n") : undefined,
    messages,
    itemReference,
  };
}

function decodeSystemContent(content: unknown, path: string): string {
  if (typeof content === "string") return content;
  const parts = decodeMessageContent(content, path, "user");
  return parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}

function decodeMessageContent(
  content: unknown,
  path: string,
  role: UnifiedMessage["role"],
): Array<TextPart | ImagePart> {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content)) {
    throw invalidRequest(
      `${path}.content: expected a string or an array of content parts`,
      "input",
    );
  }
  const parts: Array<TextPart | ImagePart> = [];
  content.forEach((part, j) => {
    const partPath = `${path}.content[${j}]`;
    if (!isObject(part)) throw invalidRequest(`${partPath}: expected an object`, "input");
    switch (part.type) {
      case "input_text":
      case "output_text":
        parts.push({ type: "text", text: requireString(part, "text", partPath) });
        return;
      case "refusal":
        parts.push({ type: "text", text: requireString(part, "refusal", partPath) });
        return;
      case "input_image":
        if (role === "assistant") {
          throw invalidRequest(`${partPath}: assistant messages cannot hold images`, "input");
        }
        parts.push(decodeImage(part, partPath));
        return;
      default:
        throw invalidRequest(
          `${partPath}.type: "${String(part.type)}" content is not supported by Plexus ` +
            '(expected "input_text", "input_image", "output_text" or "refusal")',
          "input",
        );
    }
  });
  return parts;
}

/** "Image inputs": `image_url` is a URL or a base64 data URL; `file_id` needs OpenAI's file store. */
function decodeImage(part: JsonObject, path: string): ImagePart {
  const url = stringField(part, "image_url");
  if (url === undefined) {
    const reason = part.file_id !== undefined
      ? "file_id images need OpenAI's file store, which Plexus cannot reach; send image_url"
      : "expected image_url";
    throw invalidRequest(`${path}: ${reason}`, "input");
  }
  const inline = parseBase64DataUrl(url);
  const image: ImagePart = {
    type: "image",
    source: inline ? { kind: "base64", ...inline } : { kind: "url", url },
  };
  const detail = part.detail;
  if (detail === "auto" || detail === "low" || detail === "high") image.detail = detail;
  return image;
}

/**
 * Calls and results of tools the provider ran itself (web search, file search, code
 * interpreter, image generation, MCP, tool search...): the provider already used their results
 * in its answer, and another API has no form for them, so a translated request leaves them out.
 */
const HOSTED_TOOL_ITEM =
  /^(web_search|file_search|code_interpreter|image_generation|mcp|tool_search|computer|local_shell|shell|apply_patch)_\w+$|^mcp_/;

/** A `function_call` inside a namespace names the function the provider saw (see tool_names). */
function decodeFunctionCall(item: JsonObject, path: string): ContentPart {
  const args = item.arguments;
  if (args !== undefined && typeof args !== "string") {
    throw invalidRequest(`${path}.arguments: expected a JSON text`, "input");
  }
  return {
    type: "tool_call",
    id: requireString(item, "call_id", path),
    name: flatToolName(stringField(item, "namespace"), requireString(item, "name", path)),
    arguments: args === undefined || args === "" ? "{}" : args,
  };
}

/** A `custom_tool_call` (free-form input) is a call of the function `{input: string}`. */
function decodeCustomToolCall(item: JsonObject, path: string): ContentPart {
  return {
    type: "tool_call",
    id: requireString(item, "call_id", path),
    name: flatToolName(stringField(item, "namespace"), requireString(item, "name", path)),
    arguments: JSON.stringify({ input: requireString(item, "input", path) }),
  };
}

function decodeFunctionCallOutput(item: JsonObject, path: string): ContentPart {
  const output = item.output;
  const content = typeof output === "string"
    ? output
    : decodeMessageContent(output, `${path}.output`, "user");
  return { type: "tool_result", toolCallId: requireString(item, "call_id", path), content };
}

function decodeReasoningItem(item: JsonObject, path: string): ContentPart[] {
  const summary = Array.isArray(item.summary) ? item.summary : [];
  const text = summary
    .map((s) => (isObject(s) && typeof s.text === "string" ? s.text : ""))
    .filter((s) => s !== "")
    .join("\n\n");
  const encrypted = item.encrypted_content;
  if (encrypted !== undefined && encrypted !== null && typeof encrypted !== "string") {
    throw invalidRequest(`${path}.encrypted_content: expected a string`, "input");
  }
  const id = stringField(item, "id");
  // Nothing to carry: a bare reasoning id only means something to OpenAI's own store.
  if (text === "" && typeof encrypted !== "string") return [];
  return [{
    type: "reasoning",
    text,
    ...(id !== undefined ? { id } : {}),
    ...(typeof encrypted === "string" ? reasoningFieldsFrom(encrypted) : {}),
  }];
}

// ---- tools and options ----------------------------------------------------------------------

/** "Reasoning": `reasoning.effort` ("none" turns reasoning off). */
function decodeReasoning(value: unknown): ReasoningConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidRequest("reasoning: expected an object", "reasoning");
  const effort = value.effort;
  if (effort === undefined || effort === null) return { enabled: true };
  const mapped = reasoningForOpenAiEffort(effort);
  if (mapped === undefined) {
    throw invalidRequest(
      'reasoning.effort: expected "none", "minimal", "low", "medium" or "high"',
      "reasoning.effort",
    );
  }
  return mapped;
}

/** "Structured Outputs": `text.format`. */
function decodeTextFormat(text: unknown): ResponseFormat | undefined {
  if (text === undefined || text === null) return undefined;
  if (!isObject(text)) throw invalidRequest("text: expected an object", "text");
  if (text.format === undefined || text.format === null) return undefined;
  if (!isObject(text.format)) {
    throw invalidRequest("text.format: expected an object", "text.format");
  }
  const format = text.format;
  if (format.type === "text") return { type: "text" };
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type === "json_schema") {
    if (!isObject(format.schema)) {
      throw invalidRequest("text.format.schema: expected a JSON Schema object", "text.format");
    }
    const decoded: ResponseFormat = {
      type: "json_schema",
      name: stringField(format, "name") ?? "response",
      schema: format.schema,
    };
    if (typeof format.strict === "boolean") decoded.strict = format.strict;
    const description = stringField(format, "description");
    if (description !== undefined) decoded.description = description;
    return decoded;
  }
  throw invalidRequest(
    'text.format.type: expected "text", "json_object" or "json_schema"',
    "text.format",
  );
}

function decodeMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidRequest("metadata: expected an object", "metadata");
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw invalidRequest(`metadata.${key}: expected a string`, "metadata");
    }
    out[key] = v;
  }
  return out;
}

// ---- field readers --------------------------------------------------------------------------

function requireString(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== "string") {
    throw invalidRequest(`${path}.${key}: required, expected a string`, path.split(/[.[]/)[0]);
  }
  return value;
}
