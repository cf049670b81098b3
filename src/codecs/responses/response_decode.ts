/**
 * Outbound: a Responses "response object" -> the unified response
 * (OpenAI API reference, "The response object" -> `output`, `status`, `usage`).
 */
import {
  emptyUsage,
  GatewayError,
  type ReasoningPart,
  type TextPart,
  type ToolCallPart,
  type UnifiedRequest,
  type UnifiedResponse,
} from "../unified.ts";
import { kindForErrorCode } from "./errors.ts";
import { stopReasonForOutcome } from "./stop_reason.ts";
import { usageFromWire } from "./usage.ts";
import {
  arrayField,
  isObject,
  type JsonObject,
  numberField,
  objectField,
  stringField,
} from "../json_guards.ts";

type OutputPart = TextPart | ToolCallPart | ReasoningPart;

export function toUnifiedResponse(body: unknown, _req: UnifiedRequest): UnifiedResponse {
  if (!isObject(body) || !Array.isArray(body.output)) {
    throw new GatewayError(
      "bad_gateway",
      "upstream answered with something that is not a response",
    );
  }
  const status = stringField(body, "status");
  if (status === "failed") throw failedError(body);
  const content = body.output.flatMap(outputPartsOf);
  let refused = false;
  for (const item of body.output) {
    if (isObject(item) && item.type === "message" && hasRefusal(item)) refused = true;
  }
  const incomplete = objectField(body, "incomplete_details");
  const stopReason = refused ? "refusal" : stopReasonForOutcome(
    status,
    incomplete && stringField(incomplete, "reason"),
    content.some((p) => p.type === "tool_call"),
  );
  return {
    id: stringField(body, "id") ?? "",
    model: stringField(body, "model") ?? "",
    content,
    stopReason,
    usage: usageFromWire(body.usage) ?? emptyUsage(),
    created: numberField(body, "created_at") ?? Math.floor(Date.now() / 1000),
  };
}

/** Output items Plexus understands; hosted-tool items (web_search_call...) are skipped. */
export function outputPartsOf(item: unknown): OutputPart[] {
  if (!isObject(item)) return [];
  switch (item.type) {
    case "message":
      return messageParts(item);
    case "function_call":
      return [{
        type: "tool_call",
        id: stringField(item, "call_id") ?? stringField(item, "id") ?? "",
        name: stringField(item, "name") ?? "",
        arguments: argumentsText(item.arguments),
      }];
    case "reasoning": {
      const part = reasoningPart(item);
      return part ? [part] : [];
    }
    default:
      return [];
  }
}

function messageParts(item: JsonObject): TextPart[] {
  const parts: TextPart[] = [];
  for (const c of arrayField(item, "content") ?? []) {
    if (!isObject(c)) continue;
    const text = c.type === "output_text"
      ? stringField(c, "text")
      : c.type === "refusal"
      ? stringField(c, "refusal")
      : undefined;
    if (text !== undefined) parts.push({ type: "text", text });
  }
  return parts;
}

function hasRefusal(item: JsonObject): boolean {
  return (arrayField(item, "content") ?? []).some((c) => isObject(c) && c.type === "refusal");
}

/** Summary parts join with a blank line, the way they read as separate paragraphs. */
export function summaryText(item: JsonObject): string {
  const texts = (arrayField(item, "summary") ?? [])
    .map((s) => (isObject(s) ? stringField(s, "text") ?? "" : ""))
    .filter((t) => t !== "");
  if (texts.length > 0) return texts.join("\n\n");
  // Open-weight reasoning models put raw reasoning text in `content`.
  return (arrayField(item, "content") ?? [])
    .map((c) => (isObject(c) ? stringField(c, "text") ?? "" : ""))
    .join("");
}

function reasoningPart(item: JsonObject): ReasoningPart | undefined {
  const text = summaryText(item);
  const encrypted = stringField(item, "encrypted_content");
  if (text === "" && encrypted === undefined) return undefined;
  const part: ReasoningPart = { type: "reasoning", text };
  const id = stringField(item, "id");
  if (id !== undefined) part.id = id;
  if (encrypted !== undefined) part.encryptedContent = encrypted;
  return part;
}

/** Some providers send arguments as an object; the unified form is JSON text. */
export function argumentsText(value: unknown): string {
  if (typeof value === "string") return value === "" ? "{}" : value;
  if (isObject(value)) return JSON.stringify(value);
  return "{}";
}

function failedError(body: JsonObject): GatewayError {
  const error = objectField(body, "error");
  const code = error && stringField(error, "code");
  const message = (error && stringField(error, "message")) ?? "the upstream response failed";
  return new GatewayError(kindForErrorCode(code), message, code ? { code } : {});
}
