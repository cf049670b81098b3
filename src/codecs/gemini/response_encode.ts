/**
 * Inbound answer: unified response -> Gemini `GenerateContentResponse`
 * (ai.google.dev/api/generate-content#v1beta.GenerateContentResponse). Reasoning goes out as
 * `thought: true` parts, which Gemini clients already keep apart from the answer text.
 */
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
      content: { role: "model", parts: response.content.flatMap(responsePart) },
      finishReason: finishReasonToGemini(response.stopReason),
      index: 0,
    }],
    usageMetadata: usageToGemini(response.usage),
    modelVersion: response.model,
    responseId: response.id,
  };
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
      return [functionCallPart(part.name, part.arguments, part.signature)];
  }
}

export function functionCallPart(
  name: string,
  argumentsText: string,
  signature: string | undefined,
): GeminiPart {
  return signed({ functionCall: { name, args: argumentsObject(argumentsText) } }, signature);
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
