/**
 * Outbound: the unified request -> an Anthropic Messages request body
 * (API reference, "Messages" -> "Create a Message").
 */
import type { TargetInfo } from "../codec.ts";
import type { ToolChoice, UnifiedRequest } from "../unified.ts";
import { toolLoopLostItsThinking } from "./thinking_tool_loop.ts";
import type { JsonObject } from "../json_guards.ts";
import { encodeMessages } from "./messages_encode.ts";
import { JSON_RESPONSE_TOOL, jsonOutputSchema } from "./structured_output.ts";
import { budgetForEffort } from "../reasoning_budget.ts";
import type { WireTool, WireToolChoice } from "./wire.ts";

/** Extended thinking, "budget_tokens": the API rejects budgets below 1024. */
const MIN_THINKING_BUDGET = 1024;

/**
 * Deliberately dropped: `metadata` other than the user id (the API accepts only `user_id`),
 * `tools[].strict`, `includeUsage` (Anthropic always reports usage), OpenAI `detail` on images
 * and Gemini text signatures.
 */
export function fromUnifiedRequest(req: UnifiedRequest, target: TargetInfo): JsonObject {
  const body: JsonObject = {
    model: target.model,
    max_tokens: req.maxTokens ?? target.defaultMaxTokens,
    messages: encodeMessages(req.messages),
  };
  if (req.system !== undefined && req.system !== "") body.system = req.system;
  if (req.stop !== undefined && req.stop.length > 0) body.stop_sequences = req.stop;

  const tools = encodeTools(req);
  const toolChoice = tools.length > 0 ? encodeToolChoice(req) : undefined;
  const serverTools = encodeServerTools(req);
  if (tools.length > 0 || serverTools.length > 0) body.tools = [...tools, ...serverTools];
  if (toolChoice !== undefined) body.tool_choice = toolChoice;

  const budget = thinkingBudget(req, toolChoice);
  if (budget !== undefined) {
    body.thinking = { type: "enabled", budget_tokens: budget };
    // Extended thinking: `max_tokens` must exceed `budget_tokens`.
    if ((body.max_tokens as number) <= budget) body.max_tokens = budget + target.defaultMaxTokens;
  } else {
    // Extended thinking forbids changing temperature, top_p and top_k, so they go only without it.
    if (req.temperature !== undefined) body.temperature = req.temperature;
    if (req.topP !== undefined) body.top_p = req.topP;
    if (req.topK !== undefined) body.top_k = req.topK;
  }

  if (req.user !== undefined) body.metadata = { user_id: req.user };
  if (req.stream) body.stream = true;
  return body;
}

/** Client tools, plus the forced `json_response` tool that carries structured output. */
function encodeTools(req: UnifiedRequest): WireTool[] {
  const tools: WireTool[] = (req.tools ?? []).map((tool) => {
    const wire: WireTool = { name: tool.name, input_schema: tool.parameters };
    if (tool.description !== undefined) wire.description = tool.description;
    return wire;
  });
  const schema = jsonOutputSchema(req.responseFormat);
  if (schema !== undefined) {
    tools.push({
      name: JSON_RESPONSE_TOOL,
      description: "Give the final answer as a JSON object that matches this schema.",
      input_schema: schema,
    });
  }
  return tools;
}

/**
 * Hosted tools as Anthropic server tools: web search is "Web search tool" (`web_search_20250305`;
 * `allowed_domains` and `blocked_domains` cannot both be given, allowed wins).
 */
function encodeServerTools(req: UnifiedRequest): JsonObject[] {
  const tools: JsonObject[] = [];
  for (const hosted of req.hostedTools ?? []) {
    if (hosted.kind !== "web_search") continue;
    const tool: JsonObject = { type: "web_search_20250305", name: "web_search" };
    if (hosted.maxUses !== undefined) tool.max_uses = hosted.maxUses;
    if (hosted.allowedDomains !== undefined) tool.allowed_domains = hosted.allowedDomains;
    else if (hosted.blockedDomains !== undefined) tool.blocked_domains = hosted.blockedDomains;
    tools.push(tool);
  }
  return tools;
}

/** Tool use, "Forcing tool use" and "Parallel tool use" (`disable_parallel_tool_use`). */
function encodeToolChoice(req: UnifiedRequest): WireToolChoice | undefined {
  const choice: ToolChoice | undefined = jsonOutputSchema(req.responseFormat) !== undefined
    ? { type: "tool", name: JSON_RESPONSE_TOOL }
    : req.toolChoice;
  if (choice?.type === "none") return { type: "none" };
  const disableParallel = req.parallelToolCalls === false;
  if (choice === undefined && !disableParallel) return undefined;
  const parallel = disableParallel ? { disable_parallel_tool_use: true } : {};
  switch (choice?.type) {
    case "required":
      return { type: "any", ...parallel };
    case "tool":
      return { type: "tool", name: choice.name, ...parallel };
    default:
      return { type: "auto", ...parallel };
  }
}

/**
 * Extended thinking budget, or undefined for none. Thinking is dropped when a tool is forced
 * (the API rejects thinking with `tool_choice` any/tool) and when the client turned it off
 * (omitting `thinking` is the portable way: some models refuse `{type: "disabled"}`).
 */
function thinkingBudget(
  req: UnifiedRequest,
  toolChoice: WireToolChoice | undefined,
): number | undefined {
  if (req.reasoning === undefined || !req.reasoning.enabled) return undefined;
  if (toolChoice?.type === "any" || toolChoice?.type === "tool") return undefined;
  if (toolLoopLostItsThinking(req.messages)) return undefined;
  const budget = req.reasoning.budgetTokens ?? budgetForEffort(req.reasoning.effort ?? "medium");
  return Math.max(MIN_THINKING_BUDGET, budget);
}
