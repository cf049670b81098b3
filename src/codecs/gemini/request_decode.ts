/**
 * Inbound: a Gemini `GenerateContentRequest` -> unified request
 * (ai.google.dev/api/generate-content#request-body). The model and streaming come from the URL.
 * Fields Plexus cannot honour on every provider (`safetySettings`, `cachedContent`, penalties,
 * `seed`...) are ignored, like any unknown field.
 */
// Long file: one validator per Gemini part and field, each naming the JSON path of a bad value,
// sharing the path helpers; the same shape as the other request decoders.
import type { InboundContext } from "../codec.ts";
import {
  type ContentPart,
  type HostedTool,
  type HostedToolKind,
  invalidRequest,
  type ReasoningConfig,
  type ResponseFormat,
  type ToolChoice,
  type UnifiedMessage,
  type UnifiedRequest,
  type UnifiedTool,
} from "../unified.ts";
import { isObject, isString, isStringArray } from "../json_guards.ts";
import { unpackAnthropicThinking } from "./thinking_carrier.ts";
import { fromGeminiSchema } from "./schema_from_gemini.ts";
import { effortForBudget } from "../reasoning_budget.ts";
import { optionalNumber, optionalPositiveInteger } from "../request_fields.ts";
import { effortForThinkingLevel } from "./thinking.ts";

export function toUnifiedRequest(body: unknown, ctx: InboundContext): UnifiedRequest {
  if (!isObject(body)) throw invalidRequest("request body: expected a JSON object");
  if (ctx.model === undefined || ctx.model === "") {
    throw invalidRequest("model: missing from the URL (models/{model}:generateContent)", "model");
  }
  const request: UnifiedRequest = {
    model: ctx.model,
    messages: decodeContents(body["contents"]),
    stream: ctx.stream ?? false,
  };
  const system = decodeSystemInstruction(body["systemInstruction"]);
  if (system !== undefined) request.system = system;
  if (body["generationConfig"] !== undefined) {
    Object.assign(request, decodeGenerationConfig(body["generationConfig"]));
  }
  if (body["tools"] !== undefined) {
    const hosted: HostedTool[] = [];
    const tools = decodeTools(body["tools"], hosted);
    if (tools.length > 0) request.tools = tools;
    if (hosted.length > 0) request.hostedTools = hosted;
  }
  const toolChoice = decodeToolConfig(body["toolConfig"]);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  return request;
}

// ---- contents ------------------------------------------------------------------------------

/** Function calls still waiting for their response, to give each response its call's id. */
class PendingCalls {
  #calls: Array<{ id: string; name: string }> = [];

  add(id: string, name: string): void {
    this.#calls.push({ id, name });
  }

  /** The id given, or the first unanswered call of that name (Gemini calls carry no id). */
  answer(name: string, explicitId: string | undefined): string | undefined {
    const index = this.#calls.findIndex((call) =>
      explicitId === undefined ? call.name === name : call.id === explicitId
    );
    if (index === -1) return explicitId;
    return this.#calls.splice(index, 1)[0].id;
  }
}

function decodeContents(contents: unknown): UnifiedMessage[] {
  if (!Array.isArray(contents) || contents.length === 0) {
    throw invalidRequest("contents: expected a non-empty array of contents", "contents");
  }
  const pending = new PendingCalls();
  const messages: UnifiedMessage[] = [];
  contents.forEach((content, c) => {
    const path = `contents[${c}]`;
    if (!isObject(content)) throw invalidRequest(`${path}: expected an object`, path);
    const role = decodeRole(content["role"], path);
    const parts = content["parts"];
    // "Content ... parts[]: ordered Parts that constitute a single message" (the API refuses
    // a content without parts: "contents.parts must not be empty").
    if (!Array.isArray(parts) || parts.length === 0) {
      throw invalidRequest(`${path}.parts: expected a non-empty array of parts`, `${path}.parts`);
    }
    const decoded: ContentPart[] = [];
    parts.forEach((part, p) => {
      const one = decodePart(part, `${path}.parts[${p}]`, `call_${c}_${p}`, pending);
      if (Array.isArray(one)) decoded.push(...one);
      else if (one !== undefined) decoded.push(one);
    });
    if (decoded.length > 0) messages.push({ role, content: decoded });
  });
  return messages;
}

function decodeRole(role: unknown, path: string): "user" | "assistant" {
  // `function` is the role older Gemini clients use for function responses.
  if (role === undefined || role === "user" || role === "function") return "user";
  if (role === "model") return "assistant";
  throw invalidRequest(`${path}.role: expected "user" or "model"`, `${path}.role`);
}

/** ai.google.dev/api/caching#Part. Empty unsigned text (stream leftovers) is dropped. */
function decodePart(
  part: unknown,
  path: string,
  mintedId: string,
  pending: PendingCalls,
): ContentPart | ContentPart[] | undefined {
  if (!isObject(part)) throw invalidRequest(`${path}: expected an object`, path);
  const signature = optionalString(part["thoughtSignature"], `${path}.thoughtSignature`);
  const thinking = signature === undefined ? undefined : unpackAnthropicThinking(signature);
  const anthropicThinking: ContentPart[] = thinking === undefined ? [] : [{
    type: "reasoning",
    text: thinking.thinking,
    signature: thinking.signature,
    family: "anthropic",
  }];
  if (part["text"] !== undefined) {
    const text = part["text"];
    if (!isString(text)) throw invalidRequest(`${path}.text: expected a string`, `${path}.text`);
    if (part["thought"] === true) {
      if (thinking !== undefined) return anthropicThinking;
      return signature === undefined ? { type: "reasoning", text } : {
        type: "reasoning",
        text,
        signature,
        family: "gemini",
      };
    }
    if (text === "" && signature === undefined) return undefined;
    return signature === undefined ? { type: "text", text } : { type: "text", text, signature };
  }
  if (part["inlineData"] !== undefined) return decodeInlineData(part["inlineData"], path);
  if (part["fileData"] !== undefined) return decodeFileData(part["fileData"], path);
  if (part["functionCall"] !== undefined) {
    const call = part["functionCall"];
    const callPath = `${path}.functionCall`;
    if (!isObject(call) || !isString(call["name"])) {
      throw invalidRequest(`${callPath}: expected {name, args}`, callPath);
    }
    const args = call["args"] ?? {};
    if (!isObject(args)) throw invalidRequest(`${callPath}.args: expected an object`, callPath);
    const id = optionalString(call["id"], `${callPath}.id`) ?? mintedId;
    pending.add(id, call["name"]);
    const toolCall: ContentPart = {
      type: "tool_call",
      id,
      name: call["name"],
      arguments: JSON.stringify(args),
    };
    if (thinking !== undefined) return [...anthropicThinking, toolCall];
    if (signature !== undefined) toolCall.signature = signature;
    return toolCall;
  }
  if (part["functionResponse"] !== undefined) {
    return decodeFunctionResponse(part["functionResponse"], path, mintedId, pending);
  }
  if (signature !== undefined) return { type: "text", text: "", signature };
  throw invalidRequest(
    `${path}: expected one of text, inlineData, fileData, functionCall, functionResponse`,
    path,
  );
}

function decodeInlineData(data: unknown, path: string): ContentPart {
  const dataPath = `${path}.inlineData`;
  if (!isObject(data) || !isString(data["mimeType"]) || !isString(data["data"])) {
    throw invalidRequest(`${dataPath}: expected {mimeType, data}`, dataPath);
  }
  if (!data["mimeType"].startsWith("image/")) {
    throw invalidRequest(
      `${dataPath}.mimeType: only images are supported, got ${data["mimeType"]}`,
      dataPath,
    );
  }
  return {
    type: "image",
    source: { kind: "base64", mediaType: data["mimeType"], data: data["data"] },
  };
}

function decodeFileData(data: unknown, path: string): ContentPart {
  const dataPath = `${path}.fileData`;
  if (!isObject(data) || !isString(data["fileUri"])) {
    throw invalidRequest(`${dataPath}: expected {mimeType, fileUri}`, dataPath);
  }
  const mimeType = data["mimeType"];
  if (mimeType !== undefined && !(isString(mimeType) && mimeType.startsWith("image/"))) {
    throw invalidRequest(`${dataPath}.mimeType: only images are supported`, dataPath);
  }
  return { type: "image", source: { kind: "url", url: data["fileUri"] } };
}

function decodeFunctionResponse(
  response: unknown,
  path: string,
  mintedId: string,
  pending: PendingCalls,
): ContentPart {
  const responsePath = `${path}.functionResponse`;
  if (!isObject(response) || !isString(response["name"]) || !isObject(response["response"])) {
    throw invalidRequest(`${responsePath}: expected {name, response: object}`, responsePath);
  }
  const name = response["name"];
  const explicitId = optionalString(response["id"], `${responsePath}.id`);
  const toolCallId = pending.answer(name, explicitId) ?? mintedId;
  return { type: "tool_result", toolCallId, name, ...toolResultContent(response["response"]) };
}

/**
 * Gemini's docs suggest `{output}` / `{error}` (and Plexus sends `{result}`): a lone wrapper key
 * is unwrapped so the text reads naturally elsewhere; any other object travels as JSON text.
 */
function toolResultContent(
  response: Record<string, unknown>,
): { content: string; isError?: boolean } {
  const keys = Object.keys(response);
  if (keys.length === 1) {
    const value = response[keys[0]];
    const text = isString(value) ? value : JSON.stringify(value);
    if (keys[0] === "result" || keys[0] === "output") return { content: text };
    if (keys[0] === "error") return { content: text, isError: true };
  }
  return { content: JSON.stringify(response) };
}

// ---- system instruction and generation config ----------------------------------------------

function decodeSystemInstruction(instruction: unknown): string | undefined {
  if (instruction === undefined) return undefined;
  if (isString(instruction)) return instruction;
  const path = "systemInstruction";
  if (!isObject(instruction) || !Array.isArray(instruction["parts"])) {
    throw invalidRequest(`${path}: expected {parts: [{text}]}`, path);
  }
  const texts = instruction["parts"].map((part, i) => {
    if (!isObject(part) || !isString(part["text"])) {
      throw invalidRequest(`${path}.parts[${i}]: expected a text part`, `${path}.parts[${i}]`);
    }
    return part["text"];
  });
  return texts.length === 0 ? undefined : texts.join("\n");
}

type GenerationFields = Pick<
  UnifiedRequest,
  "maxTokens" | "temperature" | "topP" | "topK" | "stop" | "reasoning" | "responseFormat"
>;

/** ai.google.dev/api/generate-content#generationconfig */
function decodeGenerationConfig(config: unknown): GenerationFields {
  const path = "generationConfig";
  if (!isObject(config)) throw invalidRequest(`${path}: expected an object`, path);
  const fields: GenerationFields = {};
  const maxTokens = optionalPositiveInteger(
    config["maxOutputTokens"],
    `${path}.maxOutputTokens`,
  );
  if (maxTokens !== undefined) fields.maxTokens = maxTokens;
  const temperature = optionalNumber(config["temperature"], `${path}.temperature`);
  if (temperature !== undefined) fields.temperature = temperature;
  const topP = optionalNumber(config["topP"], `${path}.topP`);
  if (topP !== undefined) fields.topP = topP;
  const topK = optionalNumber(config["topK"], `${path}.topK`);
  if (topK !== undefined) fields.topK = topK;
  const stop = config["stopSequences"];
  if (stop !== undefined) {
    if (!isStringArray(stop)) {
      throw invalidRequest(`${path}.stopSequences: expected an array of strings`, path);
    }
    if (stop.length > 0) fields.stop = stop;
  }
  const candidates = optionalNumber(config["candidateCount"], `${path}.candidateCount`);
  if (candidates !== undefined && candidates > 1) {
    throw invalidRequest(`${path}.candidateCount: only one candidate is supported`, path);
  }
  const responseFormat = decodeResponseFormat(config, path);
  if (responseFormat !== undefined) fields.responseFormat = responseFormat;
  if (config["thinkingConfig"] !== undefined) {
    const reasoning = decodeThinkingConfig(config["thinkingConfig"], `${path}.thinkingConfig`);
    if (reasoning !== undefined) fields.reasoning = reasoning;
  }
  return fields;
}

function decodeResponseFormat(
  config: Record<string, unknown>,
  path: string,
): ResponseFormat | undefined {
  const jsonSchema = config["responseJsonSchema"];
  if (jsonSchema !== undefined) {
    if (!isObject(jsonSchema)) {
      throw invalidRequest(`${path}.responseJsonSchema: expected an object`, path);
    }
    return { type: "json_schema", name: "response", schema: jsonSchema };
  }
  const schema = config["responseSchema"];
  if (schema !== undefined) {
    if (!isObject(schema)) throw invalidRequest(`${path}.responseSchema: expected an object`, path);
    return { type: "json_schema", name: "response", schema: fromGeminiSchema(schema) };
  }
  if (config["responseMimeType"] === "application/json") return { type: "json_object" };
  return undefined;
}

/** ai.google.dev/gemini-api/docs/thinking: budget 0 = off, -1 = dynamic. */
function decodeThinkingConfig(config: unknown, path: string): ReasoningConfig | undefined {
  if (!isObject(config)) throw invalidRequest(`${path}: expected an object`, path);
  const budget = optionalNumber(config["thinkingBudget"], `${path}.thinkingBudget`);
  if (budget === 0) return { enabled: false };
  if (budget !== undefined && budget > 0) {
    return { enabled: true, budgetTokens: budget, effort: effortForBudget(budget) };
  }
  const level = config["thinkingLevel"];
  if (level !== undefined) {
    const effort = isString(level) ? effortForThinkingLevel(level) : undefined;
    if (effort === undefined) {
      throw invalidRequest(`${path}.thinkingLevel: expected minimal, low, medium or high`, path);
    }
    return { enabled: true, effort };
  }
  if (budget !== undefined || config["includeThoughts"] === true) return { enabled: true };
  return undefined;
}

// ---- tools ---------------------------------------------------------------------------------

/**
 * ai.google.dev/api/caching#Tool: `functionDeclarations` are client tools; `googleSearch`
 * (and the older `googleSearchRetrieval`) and `codeExecution` have equivalents at other
 * providers; every other built-in tool (`urlContext`, `fileSearch`...) stays with Gemini.
 */
function decodeTools(tools: unknown, hosted: HostedTool[]): UnifiedTool[] {
  if (!Array.isArray(tools)) throw invalidRequest("tools: expected an array", "tools");
  const out: UnifiedTool[] = [];
  tools.forEach((tool, t) => {
    const path = `tools[${t}]`;
    if (!isObject(tool)) throw invalidRequest(`${path}: expected an object`, path);
    for (const [kind, declarations] of Object.entries(tool)) {
      if (kind !== "functionDeclarations" && kind !== "function_declarations") {
        hosted.push({ kind: HOSTED_KINDS.get(kind) ?? "other", wireType: kind });
        continue;
      }
      if (!Array.isArray(declarations)) {
        throw invalidRequest(`${path}.functionDeclarations: expected an array`, path);
      }
      declarations.forEach((declaration, d) => {
        out.push(decodeDeclaration(declaration, `${path}.functionDeclarations[${d}]`));
      });
    }
  });
  return out;
}

/** The JSON API accepts both spellings of a field name. */
const HOSTED_KINDS = new Map<string, HostedToolKind>([
  ["googleSearch", "web_search"],
  ["google_search", "web_search"],
  ["googleSearchRetrieval", "web_search"],
  ["google_search_retrieval", "web_search"],
  ["codeExecution", "code_execution"],
  ["code_execution", "code_execution"],
]);

function decodeDeclaration(declaration: unknown, path: string): UnifiedTool {
  if (!isObject(declaration) || !isString(declaration["name"])) {
    throw invalidRequest(`${path}: expected {name, description, parameters}`, path);
  }
  const tool: UnifiedTool = { name: declaration["name"], parameters: {} };
  const description = optionalString(declaration["description"], `${path}.description`);
  if (description !== undefined) tool.description = description;
  const jsonSchema = declaration["parametersJsonSchema"];
  const schema = declaration["parameters"];
  if (isObject(jsonSchema)) tool.parameters = jsonSchema;
  else if (isObject(schema)) tool.parameters = fromGeminiSchema(schema);
  else if (jsonSchema !== undefined || schema !== undefined) {
    throw invalidRequest(`${path}.parameters: expected a schema object`, `${path}.parameters`);
  } else tool.parameters = { type: "object", properties: {} };
  return tool;
}

/** ai.google.dev/api/caching#FunctionCallingConfig */
function decodeToolConfig(toolConfig: unknown): ToolChoice | undefined {
  if (toolConfig === undefined) return undefined;
  const path = "toolConfig.functionCallingConfig";
  if (!isObject(toolConfig)) throw invalidRequest("toolConfig: expected an object", "toolConfig");
  const config = toolConfig["functionCallingConfig"];
  if (config === undefined) return undefined;
  if (!isObject(config)) throw invalidRequest(`${path}: expected an object`, path);
  const mode = config["mode"];
  const names = config["allowedFunctionNames"];
  switch (mode) {
    case undefined:
    case "MODE_UNSPECIFIED":
    case "AUTO":
    case "VALIDATED":
      return { type: "auto" };
    case "NONE":
      return { type: "none" };
    case "ANY":
      return isStringArray(names) && names.length === 1
        ? { type: "tool", name: names[0] }
        : { type: "required" };
    default:
      throw invalidRequest(`${path}.mode: expected AUTO, ANY, NONE or VALIDATED`, `${path}.mode`);
  }
}

// ---- small validators ----------------------------------------------------------------------

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isString(value)) throw invalidRequest(`${path}: expected a string`, path);
  return value;
}
