/**
 * Inbound answer: unified response -> Gemini `GenerateContentResponse`
 * (ai.google.dev/api/generate-content#v1beta.GenerateContentResponse). Reasoning goes out as
 * `thought: true` parts, which Gemini clients already keep apart from the answer text.
 */
import { packAnthropicThinking } from "./thinking_carrier.ts";
import type { EncodeContext } from "../codec.ts";
import type { ReasoningPart, TextPart, ToolCallPart, UnifiedResponse } from "../unified.ts";
import { finishReasonToGemini } from "./finish_reason.ts";
import { isObject } from "../json_guards.ts";
import { usageToGemini } from "./usage.ts";
import type { GeminiPart, GeminiResponse } from "./wire.ts";

export function fromUnifiedResponse(
  response: UnifiedResponse,
  _ctx: EncodeContext,
): GeminiResponse {
  return {
    candidates: [{
      content: { role: "model", parts: responseParts(response.content) },
      finishReason: finishReasonToGemini(response.stopReason),
      index: 0,
    }],
    usageMetadata: usageToGemini(response.usage),
    modelVersion: response.model,
    responseId: response.id,
  };
}

/**
 * Anthropic thinking goes to a Gemini client packed in the signature of the first function call
 * after it (or, without a call, of its thought part): see `thinking_carrier.ts`.
 */
function responseParts(content: Array<TextPart | ToolCallPart | ReasoningPart>): GeminiPart[] {
  let lastCall = -1;
  content.forEach((part, i) => {
    if (part.type === "tool_call") lastCall = i;
  });
  const parts: GeminiPart[] = [];
  let packed: string | undefined;
  content.forEach((part, i) => {
    if (part.type === "reasoning" && part.family === "anthropic" && part.signature) {
      const carrier = packAnthropicThinking(part.text, part.signature);
      if (i < lastCall) {
        packed = carrier;
        if (part.text !== "") parts.push({ text: part.text, thought: true });
      } else parts.push({ text: part.text, thought: true, thoughtSignature: carrier });
      return;
    }
    if (part.type === "tool_call") {
      parts.push(functionCallPart(part.name, part.arguments, part.signature ?? packed, part.id));
      packed = undefined;
      return;
    }
    parts.push(...responsePart(part));
  });
  return parts;
}

/** Redacted or encrypted reasoning from other providers has no Gemini form and is left out. */
export function responsePart(part: TextPart | ToolCallPart | ReasoningPart): GeminiPart[] {
  switch (part.type) {
    case "text":
      return [signed({ text: part.text }, part.signature)];
    case "reasoning":
      if (part.text === "" && part.signature === undefined) return [];
      return [signed({ text: part.text, thought: true }, part.signature)];
    case "tool_call":
      return [functionCallPart(part.name, part.arguments, part.signature, part.id)];
  }
}

/**
 * ai.google.dev/api/caching#FunctionCall: `id` is the provider's call id, so a client echoes
 * it on the call and its `functionResponse` and the provider sees its own ids again.
 */
export function functionCallPart(
  name: string,
  argumentsText: string,
  signature: string | undefined,
  id?: string,
): GeminiPart {
  const call: GeminiPart["functionCall"] = { name, args: argumentsObject(argumentsText) };
  if (id !== undefined && id !== "") call.id = id;
  return signed({ functionCall: call }, signature);
}

function signed(part: GeminiPart, signature: string | undefined): GeminiPart {
  if (signature !== undefined) part.thoughtSignature = signature;
  return part;
}

/** Gemini `args` is an object; unparseable argument text is kept under `arguments`. */
function argumentsObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text === "" ? "{}" : text);
    if (isObject(parsed)) return parsed;
  } catch {
    // fall through: keep the text rather than lose it
  }
  return { arguments: text };
}
