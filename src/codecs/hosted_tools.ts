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
 * Chat completions has no hosted tools.
 */
import {
  type ApiName,
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
};

export function hostedToolSupported(api: ApiName, tool: HostedTool): boolean {
  return SUPPORTED[api].has(tool.kind);
}

export interface HostedToolPlan {
  /** The request with only the hosted tools the target can run. */
  request: UnifiedRequest;
  /** The client's names (`wireType`) of the tools left out. */
  dropped: string[];
}

/**
 * What a translated request to `api` carries of the client's hosted tools. Throws a 400 naming
 * the tools when the policy is `reject` and any cannot go.
 */
export function planHostedTools(
  request: UnifiedRequest,
  api: ApiName,
  policy: UnsupportedToolsPolicy = "drop",
): HostedToolPlan {
  const hosted = request.hostedTools ?? [];
  if (hosted.length === 0) return { request, dropped: [] };
  const kept = hosted.filter((tool) => hostedToolSupported(api, tool));
  const dropped = hosted.filter((tool) => !hostedToolSupported(api, tool)).map((t) => t.wireType);
  if (dropped.length === 0) return { request, dropped };
  if (policy === "reject") {
    throw invalidRequest(
      `tools: ${dropped.map((t) => `"${t}"`).join(", ")} cannot run on the selected ${api} ` +
        "provider, and this gateway's unsupported_tools policy is reject",
      "tools",
    );
  }
  return { request: { ...request, hostedTools: kept }, dropped };
}
