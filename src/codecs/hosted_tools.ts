/**
 * Tools the provider runs itself, across APIs. A translated request keeps the hosted tools the
 * target API has an equivalent for and drops (or, by the `unsupported_tools: reject` policy,
 * refuses) the rest; the same API in and out passes every tool through untouched.
 *
 * Equivalents (each provider's docs):
 * - web search: OpenAI Responses `web_search` ("Web search" tool), Anthropic server tool
 *   `web_search_20250305` ("Web search tool"), Gemini `googleSearch` ("Grounding with Google
 *   Search").
 * - code execution: OpenAI Responses `code_interpreter`, Gemini `codeExecution`. Anthropic's code
 *   execution tool needs a beta header per request and is not offered.
 * Chat completions and Bedrock Converse have no hosted tools.
 */
import type { ApiName } from "./registry.ts";
import {
  type GatewayError,
  type HostedTool,
  type HostedToolKind,
  invalidRequest,
  type UnifiedRequest,
} from "./unified.ts";

export type UnsupportedToolsPolicy = "drop" | "reject";

const SUPPORTED: Record<ApiName, ReadonlySet<HostedToolKind>> = {
  chat: new Set(),
  messages: new Set(["web_search"]),
  responses: new Set(["web_search", "code_execution"]),
  gemini: new Set(["web_search", "code_execution"]),
  bedrock: new Set(),
};

export function hostedToolSupported(api: ApiName, tool: HostedTool): boolean {
  return SUPPORTED[api].has(tool.kind);
}

/** The client's names (`wireType`) of the hosted tools a translated request to `api` leaves out. */
export function unsupportedHostedTools(request: UnifiedRequest, api: ApiName): string[] {
  return (request.hostedTools ?? [])
    .filter((tool) => !hostedToolSupported(api, tool))
    .map((tool) => tool.wireType);
}

/** The 400 of the `unsupported_tools: reject` policy. */
export function unsupportedToolsError(tools: string[], api: ApiName): GatewayError {
  return invalidRequest(
    `tools: ${tools.map((t) => `"${t}"`).join(", ")} cannot run on the selected ${api} ` +
      "provider, and this gateway's unsupported_tools policy is reject",
    "tools",
  );
}
