/**
 * Outbound: unified request -> Gemini `GenerateContentRequest`
 * (ai.google.dev/api/generate-content#request-body). The model and streaming go in the URL.
 * Dropped on purpose: `parallelToolCalls` (Gemini has no switch), `user` and `metadata` (no
 * field), `strict` on tools and schemas (Gemini has no strict mode), unsigned reasoning parts
 * and Anthropic redacted / OpenAI encrypted reasoning (Gemini cannot read them).
 */
import type { TargetInfo } from "../codec.ts";
import {
  type ContentPart,
  invalidRequest,
  type ToolChoice,
  type ToolResultPart,
  type UnifiedMessage,
  type UnifiedRequest,
} from "../unified.ts";
import { imagePart } from "./media.ts";
import { functionCallPart } from "./response_encode.ts";
import { signatureFor } from "../signature_carrier.ts";
import { toGeminiSchema } from "./schema_to_gemini.ts";
import { thinkingConfigFor } from "./thinking.ts";
import type { GeminiContent, GeminiPart } from "./wire.ts";

/**
 * Google's documented stand-in for a function call that Gemini did not produce
 * (ai.google.dev/gemini-api/docs/thought-signatures): Gemini 3 rejects a replayed call without
 * a signature, e.g. one made by another provider before a fallback.
 */
export const SKIP_SIGNATURE_SENTINEL = "skip_thought_signature_validator";

export function fromUnifiedRequest(
  request: UnifiedRequest,
  target: TargetInfo,
): Record<string, unknown> {
  const contents = encodeMessages(request.messages);
  if (requiresFunctionCallSignatures(target.model)) signUnsignedFunctionCalls(contents);
  const body: Record<string, unknown> = { contents };
  if (request.system !== undefined && request.system !== "") {
    body.systemInstruction = { parts: [{ text: request.system }] };
  }
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = [{
      functionDeclarations: request.tools.map((tool) => {
        const declaration: Record<string, unknown> = { name: tool.name };
        if (tool.description !== undefined) declaration.description = tool.description;
        declaration.parameters = toGeminiSchema(tool.parameters);
        return declaration;
      }),
    }];
  }
  const builtIn = builtInTools(request);
  if (builtIn.length > 0) body.tools = [...(body.tools as unknown[] ?? []), ...builtIn];
  if (request.toolChoice !== undefined) {
    body.toolConfig = { functionCallingConfig: functionCallingConfig(request.toolChoice) };
  }
  const generationConfig = encodeGenerationConfig(request);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

// ---- contents ------------------------------------------------------------------------------

/** Gemini wants user/model turns to alternate, so neighbours with one role are merged. */
function encodeMessages(messages: UnifiedMessage[]): GeminiContent[] {
  const toolNames = new Map<string, string>();
  const contents: GeminiContent[] = [];
  messages.forEach((message, m) => {
    const parts: GeminiPart[] = [];
    message.content.forEach((part, p) => {
      parts.push(...encodePart(part, `messages[${m}].content[${p}]`, toolNames));
    });
    moveSignaturesOntoCalls(parts);
    if (parts.length === 0) return;
    const role = message.role === "assistant" ? "model" : "user";
    const last = contents[contents.length - 1];
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  });
  return contents;
}

/** ai.google.dev/api/caching#Part; `toolNames` learns call ids -> names as calls go by. */
function encodePart(part: ContentPart, path: string, toolNames: Map<string, string>): GeminiPart[] {
  switch (part.type) {
    case "text":
      if (part.text === "" && part.signature === undefined) return [];
      return [withSignature({ text: part.text }, part.signature)];
    case "reasoning": {
      // Only Gemini's own signed thoughts mean anything to it; plain thinking text is not input,
      // and another family's signature would be rejected as corrupted.
      const signature = signatureFor(part, "gemini");
      if (signature === undefined) return [];
      return [{ text: part.text, thought: true, thoughtSignature: signature }];
    }
    case "image":
      return [imagePart(part.source)];
    case "tool_call":
      toolNames.set(part.id, part.name);
      return [functionCallPart(part.name, part.arguments, part.signature, part.id)];
    case "tool_result":
      return encodeToolResult(part, path, toolNames);
  }
}

/**
 * A signature that reached Plexus on its own (a Responses client carries a call's signature in a
 * reasoning item before the call) goes back where Gemini put it: on the function call it signs.
 */
function moveSignaturesOntoCalls(parts: GeminiPart[]): void {
  for (let i = parts.length - 2; i >= 0; i--) {
    const part = parts[i];
    const next = parts[i + 1];
    if (
      part.thought === true && part.text === "" && part.thoughtSignature !== undefined &&
      next.functionCall !== undefined && next.thoughtSignature === undefined
    ) {
      next.thoughtSignature = part.thoughtSignature;
      parts.splice(i, 1);
    }
  }
}

function withSignature(part: GeminiPart, signature: string | undefined): GeminiPart {
  if (signature !== undefined) part.thoughtSignature = signature;
  return part;
}

/**
 * ai.google.dev/api/caching#FunctionResponse: `response` is an object, so the content goes in
 * `{result}` (`{error}` for a failed call, as Gemini's function-calling guide suggests). Images
 * in a result follow it as inline parts of the same user turn.
 */
function encodeToolResult(
  part: ToolResultPart,
  path: string,
  toolNames: Map<string, string>,
): GeminiPart[] {
  const name = part.name ?? toolNames.get(part.toolCallId);
  if (name === undefined) {
    throw invalidRequest(
      `${path}: no earlier tool call has id ${part.toolCallId}, and Gemini needs its name`,
      path,
    );
  }
  const texts: string[] = [];
  const images: GeminiPart[] = [];
  if (typeof part.content === "string") texts.push(part.content);
  else {
    for (const item of part.content) {
      if (item.type === "text") texts.push(item.text);
      else images.push(imagePart(item.source));
    }
  }
  const value = resultValue(texts.join("\n"));
  const response = part.isError === true ? { error: value } : { result: value };
  // `id` answers the call of that id (FunctionResponse.id), as the call carries it.
  return [{ functionResponse: { id: part.toolCallId, name, response } }, ...images];
}

function resultValue(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function requiresFunctionCallSignatures(model: string): boolean {
  return /(^|\/)gemini-3/.test(model);
}

/**
 * A model turn whose calls carry no signature at all gets the sentinel on its first call (Gemini
 * signs only the first of parallel calls). Turns that carry a real signature are left as they are.
 */
function signUnsignedFunctionCalls(contents: GeminiContent[]): void {
  for (const content of contents) {
    if (content.role !== "model") continue;
    const calls = content.parts.filter((part) => part.functionCall !== undefined);
    if (calls.length > 0 && calls.every((part) => part.thoughtSignature === undefined)) {
      calls[0].thoughtSignature = SKIP_SIGNATURE_SENTINEL;
    }
  }
}

// ---- tool choice and generation config -----------------------------------------------------

/** ai.google.dev/api/caching#FunctionCallingConfig */
/**
 * Hosted tools as Gemini built-in tools ("Grounding with Google Search": `googleSearch`; "Code
 * execution": `codeExecution`), one `Tool` object each.
 */
function builtInTools(request: UnifiedRequest): Record<string, unknown>[] {
  const tools: Record<string, unknown>[] = [];
  for (const tool of request.hostedTools ?? []) {
    if (tool.kind === "web_search") tools.push({ googleSearch: {} });
    if (tool.kind === "code_execution") tools.push({ codeExecution: {} });
  }
  return tools;
}

function functionCallingConfig(choice: ToolChoice): Record<string, unknown> {
  switch (choice.type) {
    case "auto":
      return { mode: "AUTO" };
    case "none":
      return { mode: "NONE" };
    case "required":
      return { mode: "ANY" };
    case "tool":
      return { mode: "ANY", allowedFunctionNames: [choice.name] };
  }
}

/** ai.google.dev/api/generate-content#generationconfig */
function encodeGenerationConfig(request: UnifiedRequest): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.stop !== undefined && request.stop.length > 0) config.stopSequences = request.stop;
  const format = request.responseFormat;
  if (format !== undefined && format.type !== "text") {
    config.responseMimeType = "application/json";
    if (format.type === "json_schema") config.responseSchema = toGeminiSchema(format.schema);
  }
  if (request.reasoning !== undefined) {
    config.thinkingConfig = thinkingConfigFor(request.reasoning);
  }
  return config;
}
