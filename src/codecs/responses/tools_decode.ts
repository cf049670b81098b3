/**
 * Inbound: Responses `tools` and `tool_choice` -> unified tools, hosted tools and tool choice
 * (OpenAI API reference, "Create a model response" -> `tools`: function, custom, namespace and
 * the built-in tools).
 */
import { type HostedTool, invalidRequest, type ToolChoice, type UnifiedTool } from "../unified.ts";
import { customToolParameters, flatToolName } from "../tool_names.ts";
import { isObject, type JsonObject, stringField } from "../json_guards.ts";

export interface DecodedTools {
  tools: UnifiedTool[];
  hosted: HostedTool[];
}

/** Built-in tools with an equivalent elsewhere; every other type stays with OpenAI. */
const WEB_SEARCH = /^web_search(_preview)?(_\d{4}_\d{2}_\d{2})?$/;

export function decodeTools(tools: unknown): DecodedTools {
  if (!Array.isArray(tools)) throw invalidRequest("tools: expected an array", "tools");
  const decoded: DecodedTools = { tools: [], hosted: [] };
  tools.forEach((tool, i) => {
    const path = `tools[${i}]`;
    if (!isObject(tool)) throw invalidRequest(`${path}: expected an object`, "tools");
    const type = tool.type;
    if (typeof type !== "string") throw invalidRequest(`${path}.type: expected a string`, "tools");
    if (type === "function" || type === "custom") {
      decoded.tools.push(decodeClientTool(tool, path, undefined));
    } else if (type === "namespace") {
      decoded.tools.push(...decodeNamespace(tool, path));
    } else {
      decoded.hosted.push(decodeHostedTool(tool, type));
    }
  });
  return decoded;
}

/** A `namespace` groups function and custom tools; each reaches the provider as a function. */
function decodeNamespace(tool: JsonObject, path: string): UnifiedTool[] {
  const namespace = requireName(tool, path);
  if (!Array.isArray(tool.tools)) {
    throw invalidRequest(`${path}.tools: expected an array of function or custom tools`, "tools");
  }
  return tool.tools.map((inner, j) => {
    const innerPath = `${path}.tools[${j}]`;
    if (!isObject(inner) || (inner.type !== "function" && inner.type !== "custom")) {
      throw invalidRequest(`${innerPath}: expected a function or custom tool`, "tools");
    }
    return decodeClientTool(inner, innerPath, namespace);
  });
}

function decodeClientTool(
  tool: JsonObject,
  path: string,
  namespace: string | undefined,
): UnifiedTool {
  const name = requireName(tool, path);
  const description = stringField(tool, "description");
  const custom = tool.type === "custom";
  const parameters = custom
    ? customToolParameters(customInputDescription(tool))
    : tool.parameters ?? { type: "object", properties: {} };
  if (!isObject(parameters)) {
    throw invalidRequest(`${path}.parameters: expected a JSON Schema object`, "tools");
  }
  const decoded: UnifiedTool = { name: flatToolName(namespace, name), parameters };
  if (description !== undefined) decoded.description = description;
  if (typeof tool.strict === "boolean") decoded.strict = tool.strict;
  if (custom || namespace !== undefined) {
    decoded.client = { name, ...(namespace !== undefined ? { namespace } : {}) };
    if (custom) decoded.client.custom = true;
  }
  return decoded;
}

/**
 * A custom tool's `format` (a grammar or "text") becomes the description of its one string
 * parameter, so a model without grammar support still learns what to write.
 */
function customInputDescription(tool: JsonObject): string | undefined {
  const format = tool.format;
  if (!isObject(format) || format.type !== "grammar") return undefined;
  const syntax = stringField(format, "syntax") ?? "grammar";
  const definition = stringField(format, "definition");
  if (definition === undefined) return undefined;
  return `The tool's whole input as free-form text (not JSON), following this ${syntax} ` +
    `grammar:\n${definition}`;
}

function decodeHostedTool(tool: JsonObject, type: string): HostedTool {
  if (WEB_SEARCH.test(type)) {
    const hosted: HostedTool = { kind: "web_search", wireType: type };
    const filters = tool.filters;
    if (isObject(filters) && Array.isArray(filters.allowed_domains)) {
      const domains = filters.allowed_domains.filter((d): d is string => typeof d === "string");
      if (domains.length > 0) hosted.allowedDomains = domains;
    }
    return hosted;
  }
  if (type === "code_interpreter") return { kind: "code_execution", wireType: type };
  return { kind: "other", wireType: type };
}

/** `tool_choice`: a mode, a function or custom tool (by flat name), allowed tools, a hosted tool. */
export function decodeToolChoice(choice: unknown): ToolChoice {
  if (choice === "auto" || choice === "none" || choice === "required") return { type: choice };
  if (isObject(choice)) {
    if ((choice.type === "function" || choice.type === "custom") && isName(choice.name)) {
      return { type: "tool", name: flatToolName(stringField(choice, "namespace"), choice.name) };
    }
    if (choice.type === "allowed_tools") {
      return { type: choice.mode === "required" ? "required" : "auto" };
    }
    // A hosted tool forced by type: the target decides whether to use what it was given.
    if (typeof choice.type === "string" && choice.type !== "function") return { type: "auto" };
  }
  throw invalidRequest(
    'tool_choice: expected "auto", "none", "required" or {"type":"function","name":...}',
    "tool_choice",
  );
}

function requireName(tool: JsonObject, path: string): string {
  if (!isName(tool.name)) {
    throw invalidRequest(`${path}.name: required, expected a non-empty string`, "tools");
  }
  return tool.name;
}

function isName(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
