/**
 * Outbound: the unified request -> a Responses request body
 * (OpenAI API reference, "Responses" -> "Create a model response", request body).
 */
import type { TargetInfo } from "../codec.ts";
import type {
  ContentPart,
  ImagePart,
  ReasoningPart,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolResultPart,
  UnifiedMessage,
  UnifiedRequest,
  UnifiedTool,
} from "../unified.ts";
import type { JsonObject } from "../json_guards.ts";
import { imageSourceUrl } from "../data_url.ts";
import { effortOf } from "../reasoning_budget.ts";

/**
 * "Create a model response" -> `max_output_tokens`: OpenAI rejects values below 16
 * (`integer_below_min_value`), so smaller limits from other APIs are raised to it.
 */
const MIN_MAX_OUTPUT_TOKENS = 16;

export function fromUnifiedRequest(req: UnifiedRequest, target: TargetInfo): JsonObject {
  const body: JsonObject = { model: target.model };
  if (req.system) body.instructions = req.system;
  body.input = req.messages.flatMap(encodeMessage);
  // Plexus keeps no conversation state upstream: every turn carries the full input.
  body.store = false;
  if (req.stream) body.stream = true;
  if (req.maxTokens !== undefined) {
    body.max_output_tokens = Math.max(MIN_MAX_OUTPUT_TOKENS, req.maxTokens);
  }
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  // Dropped: `topK` and `stop` have no Responses equivalent.
  const tools = [...(req.tools ?? []).map(encodeTool), ...encodeHostedTools(req)];
  if (tools.length > 0) body.tools = tools;
  if (req.toolChoice) body.tool_choice = encodeToolChoice(req.toolChoice);
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  if (req.reasoning?.enabled) {
    const effort = effortOf(req.reasoning);
    body.reasoning = effort ? { effort } : {};
    // Without stored state, the next turn can only hand reasoning back in encrypted form.
    body.include = ["reasoning.encrypted_content"];
  }
  if (req.responseFormat) body.text = { format: encodeFormat(req.responseFormat) };
  if (req.user !== undefined) body.user = req.user;
  if (req.metadata) body.metadata = req.metadata;
  return body;
}

/** "Input items": messages interleave with function_call / function_call_output items in order. */
function encodeMessage(message: UnifiedMessage): JsonObject[] {
  const items: JsonObject[] = [];
  let pending: JsonObject[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    items.push({ type: "message", role: message.role, content: pending });
    pending = [];
  };
  for (const part of message.content) {
    const content = encodeContent(part, message.role);
    if (content) {
      pending.push(content);
      continue;
    }
    flush();
    const item = encodeItem(part);
    if (item) items.push(item);
  }
  flush();
  return items;
}

function encodeContent(part: ContentPart, role: UnifiedMessage["role"]): JsonObject | undefined {
  if (part.type === "text") {
    // Dropped: Gemini text signatures; Responses has nowhere to put them.
    return { type: role === "assistant" ? "output_text" : "input_text", text: part.text };
  }
  if (part.type === "image") {
    // Assistant messages cannot hold images in Responses input; such an image is dropped.
    return role === "user" ? encodeImage(part) : undefined;
  }
  return undefined;
}

function encodeItem(part: ContentPart): JsonObject | undefined {
  switch (part.type) {
    case "tool_call":
      return {
        type: "function_call",
        call_id: part.id,
        name: part.name,
        arguments: part.arguments,
      };
    case "tool_result":
      return {
        type: "function_call_output",
        call_id: part.toolCallId,
        output: encodeToolOutput(part),
      };
    case "reasoning":
      return encodeReasoning(part);
    default:
      return undefined;
  }
}

function encodeImage(part: ImagePart): JsonObject {
  return {
    type: "input_image",
    image_url: imageSourceUrl(part.source),
    detail: part.detail ?? "auto",
  };
}

/** `function_call_output.output`: a string, or input_text / input_image parts. */
function encodeToolOutput(part: ToolResultPart): string | JsonObject[] {
  const content = part.content;
  if (typeof content === "string") return content;
  if (content.every((c): c is TextPart => c.type === "text")) {
    return content.map((c) => c.text).join("");
  }
  return content.map((c) =>
    c.type === "text" ? { type: "input_text", text: c.text } : encodeImage(c)
  );
}

/**
 * Reasoning goes back only as an item OpenAI itself produced: an `rs_` id with its
 * `encrypted_content` (store is false, so an id alone would not resolve). Reasoning from other
 * APIs (Anthropic signatures, Gemini thoughts) cannot be replayed to OpenAI and is dropped.
 */
function encodeReasoning(part: ReasoningPart): JsonObject | undefined {
  if (part.id === undefined || part.encryptedContent === undefined) return undefined;
  return {
    type: "reasoning",
    id: part.id,
    summary: part.text === "" ? [] : [{ type: "summary_text", text: part.text }],
    encrypted_content: part.encryptedContent,
  };
}

function encodeTool(tool: UnifiedTool): JsonObject {
  const out: JsonObject = { type: "function", name: tool.name, parameters: tool.parameters };
  if (tool.description !== undefined) out.description = tool.description;
  // Say `strict` explicitly: strict mode rejects most schemas written for other APIs (optional
  // properties, no `additionalProperties: false`), so it is on only when the client asked.
  out.strict = tool.strict ?? false;
  return out;
}

/** Built-in tools: "Web search" (`web_search`) and "Code interpreter" (`code_interpreter`). */
function encodeHostedTools(req: UnifiedRequest): JsonObject[] {
  const tools: JsonObject[] = [];
  for (const hosted of req.hostedTools ?? []) {
    if (hosted.kind === "web_search") {
      const tool: JsonObject = { type: "web_search" };
      if (hosted.allowedDomains) tool.filters = { allowed_domains: hosted.allowedDomains };
      tools.push(tool);
    }
    if (hosted.kind === "code_execution") {
      tools.push({ type: "code_interpreter", container: { type: "auto" } });
    }
  }
  return tools;
}

function encodeToolChoice(choice: ToolChoice): unknown {
  return choice.type === "tool" ? { type: "function", name: choice.name } : choice.type;
}

function encodeFormat(format: ResponseFormat): JsonObject {
  if (format.type !== "json_schema") return { type: format.type };
  const out: JsonObject = { type: "json_schema", name: format.name, schema: format.schema };
  if (format.strict !== undefined) out.strict = format.strict;
  if (format.description !== undefined) out.description = format.description;
  return out;
}
