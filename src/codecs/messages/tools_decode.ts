/**
 * Inbound: Anthropic `tools` -> unified client tools and hosted tools (Tool use, "Specifying
 * client tools"; "Server tools": web search, code execution; Anthropic-defined client tools).
 */
import { type HostedTool, invalidRequest, type UnifiedTool } from "../unified.ts";
import { isObject, isString, type JsonObject } from "../json_guards.ts";

export interface DecodedTools {
  tools: UnifiedTool[];
  hosted: HostedTool[];
}

/** Versioned tool types: `web_search_20250305`, `code_execution_20250825`, `bash_20250124`... */
const WEB_SEARCH = /^web_search_\d{8}$/;
const CODE_EXECUTION = /^code_execution_\d{8}$/;

export function readTools(value: unknown): DecodedTools {
  const decoded: DecodedTools = { tools: [], hosted: [] };
  if (value === undefined || value === null) return decoded;
  if (!Array.isArray(value)) throw invalidRequest("tools: expected an array", "tools");
  value.forEach((tool, i) => {
    const path = `tools[${i}]`;
    if (!isObject(tool)) throw invalidRequest(`${path}: expected a tool object`, path);
    const type = tool.type;
    if (type === undefined || type === null || type === "custom") {
      decoded.tools.push(readClientTool(tool, path));
    } else if (isString(type)) {
      decoded.hosted.push(readServerTool(tool, type));
    } else {
      throw invalidRequest(`${path}.type: expected a string`, `${path}.type`);
    }
  });
  return decoded;
}

function readClientTool(value: JsonObject, path: string): UnifiedTool {
  if (!isString(value.name) || value.name === "") {
    throw invalidRequest(`${path}.name: expected a non-empty string`, `${path}.name`);
  }
  if (!isObject(value.input_schema)) {
    throw invalidRequest(
      `${path}.input_schema: expected a JSON Schema object`,
      `${path}.input_schema`,
    );
  }
  const tool: UnifiedTool = { name: value.name, parameters: value.input_schema };
  if (isString(value.description)) tool.description = value.description;
  if (value.strict === true) tool.strict = true;
  return tool;
}

/** Server tools, and Anthropic-defined client tools (bash, text editor...) as `other`. */
function readServerTool(tool: JsonObject, type: string): HostedTool {
  if (CODE_EXECUTION.test(type)) return { kind: "code_execution", wireType: type };
  if (!WEB_SEARCH.test(type)) return { kind: "other", wireType: type };
  const hosted: HostedTool = { kind: "web_search", wireType: type };
  const allowed = stringList(tool.allowed_domains);
  if (allowed !== undefined) hosted.allowedDomains = allowed;
  const blocked = stringList(tool.blocked_domains);
  if (blocked !== undefined) hosted.blockedDomains = blocked;
  if (typeof tool.max_uses === "number" && Number.isInteger(tool.max_uses) && tool.max_uses > 0) {
    hosted.maxUses = tool.max_uses;
  }
  return hosted;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value.filter(isString);
  return list.length > 0 ? list : undefined;
}
