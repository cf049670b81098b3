/**
 * Outbound: the unified request -> a Converse request body (API Reference, "Converse",
 * request body). The model goes in the URL, not the body.
 */
import type { TargetInfo } from "../codec.ts";
import type { UnifiedMessage, UnifiedRequest } from "../unified.ts";
import type { JsonObject } from "../json_guards.ts";
import { budgetForEffort, effortOf } from "../reasoning_budget.ts";
import { JSON_RESPONSE_TOOL, jsonOutputSchema } from "../messages/structured_output.ts";
import { encodeMessages } from "./messages_encode.ts";
import { toolLoopLostItsThinking } from "../messages/thinking_tool_loop.ts";
import type { WireInferenceConfig, WireTool, WireToolChoice } from "./wire.ts";

/** Claude extended thinking rejects budgets below 1024 tokens. */
const MIN_THINKING_BUDGET = 1024;

/**
 * Deliberately dropped: `user` and `metadata` (Converse's `requestMetadata` is for invocation
 * logs, not the model), `topK` except as Claude's own field, `parallelToolCalls`,
 * `tools[].strict`, `includeUsage` (Converse always reports usage) and OpenAI image `detail`.
 */
export function fromUnifiedRequest(req: UnifiedRequest, target: TargetInfo): JsonObject {
  const body: JsonObject = { messages: encodeMessages(req.messages) };
  if (req.system !== undefined && req.system !== "") body.system = [{ text: req.system }];

  const toolConfig = encodeToolConfig(req);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;

  const inference: WireInferenceConfig = {};
  if (req.maxTokens !== undefined) inference.maxTokens = req.maxTokens;
  if (req.stop !== undefined && req.stop.length > 0) inference.stopSequences = req.stop;
  const additional = reasoningFields(req, target, toolConfig?.toolChoice, inference);
  if (additional === undefined) {
    if (req.temperature !== undefined) inference.temperature = req.temperature;
    if (req.topP !== undefined) inference.topP = req.topP;
    if (req.topK !== undefined && isClaude(target.model)) {
      body.additionalModelRequestFields = { top_k: req.topK };
    }
  } else {
    body.additionalModelRequestFields = additional;
  }
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  return body;
}

/** Anthropic models on Bedrock: ids like `anthropic.claude-...` or `us.anthropic.claude-...`. */
function isClaude(model: string): boolean {
  return /(^|[.:/])anthropic\.claude/.test(model);
}

/**
 * ToolConfiguration. Converse has no `none` choice: the tools are then left out, unless the
 * conversation already holds tool blocks, which Converse accepts only with a `toolConfig`.
 */
function encodeToolConfig(
  req: UnifiedRequest,
): { tools: WireTool[]; toolChoice?: WireToolChoice } | undefined {
  const schema = jsonOutputSchema(req.responseFormat);
  const tools: WireTool[] = (req.tools ?? []).map((tool) => ({
    toolSpec: {
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      inputSchema: { json: tool.parameters },
    },
  }));
  if (schema !== undefined) {
    tools.push({
      toolSpec: {
        name: JSON_RESPONSE_TOOL,
        description: "Give the final answer as a JSON object that matches this schema.",
        inputSchema: { json: schema },
      },
    });
    return { tools, toolChoice: { tool: { name: JSON_RESPONSE_TOOL } } };
  }
  if (tools.length === 0) return undefined;
  const choice = req.toolChoice;
  if (choice?.type === "none") return hasToolBlocks(req.messages) ? { tools } : undefined;
  if (choice?.type === "required") return { tools, toolChoice: { any: {} } };
  if (choice?.type === "tool") return { tools, toolChoice: { tool: { name: choice.name } } };
  return choice?.type === "auto" ? { tools, toolChoice: { auto: {} } } : { tools };
}

function hasToolBlocks(messages: UnifiedMessage[]): boolean {
  return messages.some((message) =>
    message.content.some((part) => part.type === "tool_call" || part.type === "tool_result")
  );
}

/**
 * Model-specific reasoning switches, passed through `additionalModelRequestFields`
 * ("Converse", additionalModelRequestFields; Claude: "Extended thinking" on Bedrock; Amazon
 * Nova 2: `reasoningConfig`). Undefined when no reasoning is sent; other model families take
 * no portable switch, so reasoning is dropped for them.
 */
function reasoningFields(
  req: UnifiedRequest,
  target: TargetInfo,
  toolChoice: WireToolChoice | undefined,
  inference: WireInferenceConfig,
): JsonObject | undefined {
  if (req.reasoning === undefined || !req.reasoning.enabled) return undefined;
  if (isClaude(target.model)) {
    // Claude refuses thinking together with a forced tool.
    if (toolChoice !== undefined && !("auto" in toolChoice)) return undefined;
    if (toolLoopLostItsThinking(req.messages)) return undefined;
    const budget = Math.max(
      MIN_THINKING_BUDGET,
      req.reasoning.budgetTokens ?? budgetForEffort(req.reasoning.effort ?? "medium"),
    );
    // Extended thinking: maxTokens must exceed the budget (and Bedrock has no default here).
    const maxTokens = inference.maxTokens ?? target.defaultMaxTokens;
    inference.maxTokens = maxTokens > budget ? maxTokens : budget + target.defaultMaxTokens;
    return { thinking: { type: "enabled", budget_tokens: budget } };
  }
  if (/(^|[.:/])amazon\.nova/.test(target.model)) {
    const effort = effortOf(req.reasoning) ?? "medium";
    return {
      reasoningConfig: {
        type: "enabled",
        maxReasoningEffort: effort === "minimal" ? "low" : effort,
      },
    };
  }
  return undefined;
}
