/**
 * Reasoning signatures and opaque reasoning in chat, carried as OpenRouter `reasoning_details`
 * (openrouter.ai/docs, "Reasoning Tokens" -> "reasoning_details": `reasoning.text` with
 * `signature`, `reasoning.summary`, `reasoning.encrypted` with `data`).
 * Plain reasoning text also travels as `reasoning_content` (DeepSeek style) for clients that
 * know only that; `reasoning_details` is what brings signatures back on the next turn.
 */
import type { ReasoningPart, SignatureFamily, StreamEvent } from "../unified.ts";
import { isObject, type JsonObject, stringField } from "../json_guards.ts";
import type { ChatReasoningDetail } from "./wire.ts";

/** Marks encrypted reasoning from the OpenAI Responses API (`encrypted_content` + item id). */
const RESPONSES_FORMAT = "openai-responses-v1";
/** Marks Anthropic `redacted_thinking` data and Anthropic signatures. */
const REDACTED_FORMAT = "anthropic-claude-v1";
/** Marks a Gemini thought signature (OpenRouter's name for Gemini reasoning details). */
const GEMINI_FORMAT = "google-gemini-v1";

/** The `format` that tells whose a signature is, so it only ever goes back to that family. */
function familyFormat(family: SignatureFamily | undefined): { format?: string } {
  if (family === "gemini") return { format: GEMINI_FORMAT };
  if (family === "anthropic") return { format: REDACTED_FORMAT };
  return {};
}

function familyOf(detail: JsonObject): SignatureFamily | undefined {
  if (detail.format === GEMINI_FORMAT) return "gemini";
  if (detail.format === REDACTED_FORMAT) return "anthropic";
  return undefined;
}

function needsDetails(part: ReasoningPart): boolean {
  return part.signature !== undefined || part.redactedData !== undefined ||
    part.encryptedContent !== undefined;
}

/** `undefined` when plain `reasoning_content` says everything (no signature, nothing opaque). */
export function encodeReasoningDetails(
  parts: ReasoningPart[],
): ChatReasoningDetail[] | undefined {
  if (!parts.some(needsDetails)) return undefined;
  return parts.flatMap(encodeReasoningPart);
}

function encodeReasoningPart(part: ReasoningPart): ChatReasoningDetail[] {
  if (part.redactedData !== undefined) {
    return [{ type: "reasoning.encrypted", data: part.redactedData, format: REDACTED_FORMAT }];
  }
  if (part.encryptedContent !== undefined) {
    const details: ChatReasoningDetail[] = [];
    const id = part.id === undefined ? {} : { id: part.id };
    if (part.text !== "") details.push({ type: "reasoning.text", text: part.text, ...id });
    details.push({
      type: "reasoning.encrypted",
      data: part.encryptedContent,
      ...id,
      format: RESPONSES_FORMAT,
    });
    return details;
  }
  const signature = part.signature === undefined
    ? {}
    : { signature: part.signature, ...familyFormat(part.family) };
  return [{ type: "reasoning.text", text: part.text, ...signature }];
}

export function encodedSignatureDetail(
  signature: string,
  family?: SignatureFamily,
): ChatReasoningDetail[] {
  return [{ type: "reasoning.text", text: "", signature, ...familyFormat(family) }];
}

export function encodedRedactedDetail(data: string): ChatReasoningDetail[] {
  return [{ type: "reasoning.encrypted", data, format: REDACTED_FORMAT }];
}

export function encodedEncryptedDetail(
  encryptedContent: string,
  id: string | undefined,
): ChatReasoningDetail[] {
  const idField = id === undefined ? {} : { id };
  return [{
    type: "reasoning.encrypted",
    data: encryptedContent,
    ...idField,
    format: RESPONSES_FORMAT,
  }];
}

function detailText(detail: JsonObject): string | undefined {
  if (detail.type === "reasoning.text") return stringField(detail, "text") ?? "";
  if (detail.type === "reasoning.summary") return stringField(detail, "summary") ?? "";
  return undefined;
}

function decodeEncrypted(detail: JsonObject, data: string): ReasoningPart {
  const id = stringField(detail, "id");
  if (detail.format === RESPONSES_FORMAT) {
    return id === undefined
      ? { type: "reasoning", text: "", encryptedContent: data }
      : { type: "reasoning", text: "", id, encryptedContent: data };
  }
  return { type: "reasoning", text: "", redactedData: data };
}

/**
 * The reasoning parts of one assistant message. `reasoningText` is its `reasoning_content`
 * (or OpenRouter `reasoning`): used alone when there are no details, and poured into the first
 * text detail when the details carry only a signature (as a streamed answer leaves them).
 */
export function decodeReasoning(
  details: unknown,
  reasoningText: string | undefined,
): ReasoningPart[] {
  const parts: ReasoningPart[] = [];
  if (Array.isArray(details)) {
    for (const detail of details) {
      if (!isObject(detail)) continue;
      const text = detailText(detail);
      const data = stringField(detail, "data");
      if (text !== undefined) {
        const signature = stringField(detail, "signature");
        const id = stringField(detail, "id");
        const part: ReasoningPart = { type: "reasoning", text };
        if (signature !== undefined) part.signature = signature;
        const family = familyOf(detail);
        if (signature !== undefined && family !== undefined) part.family = family;
        if (id !== undefined) part.id = id;
        parts.push(part);
      } else if (detail.type === "reasoning.encrypted" && data !== undefined) {
        const encrypted = decodeEncrypted(detail, data);
        const previous = parts.at(-1);
        // A summary and its encrypted blob describe one Responses reasoning item.
        if (
          encrypted.encryptedContent !== undefined && previous !== undefined &&
          previous.id !== undefined && previous.id === encrypted.id &&
          previous.encryptedContent === undefined
        ) {
          previous.encryptedContent = encrypted.encryptedContent;
        } else {
          parts.push(encrypted);
        }
      }
    }
  }
  const text = reasoningText ?? "";
  if (parts.every((part) => part.text === "") && text !== "") {
    const first = parts.find((part) =>
      part.redactedData === undefined && part.encryptedContent === undefined
    );
    if (first !== undefined) first.text = text;
    else parts.unshift({ type: "reasoning", text });
  }
  return parts;
}

/**
 * Stream events for the `reasoning_details` of one delta. `withText` is false when the same
 * delta also carried `reasoning_content`/`reasoning` (OpenRouter sends both), so text is not
 * counted twice.
 */
export function reasoningDetailEvents(details: unknown, withText: boolean): StreamEvent[] {
  if (!Array.isArray(details)) return [];
  const events: StreamEvent[] = [];
  for (const detail of details) {
    if (!isObject(detail)) continue;
    const text = detailText(detail);
    if (text !== undefined) {
      if (withText && text !== "") events.push({ type: "reasoning_delta", text });
      const signature = stringField(detail, "signature");
      if (signature !== undefined && signature !== "") {
        const family = familyOf(detail);
        events.push({ type: "reasoning_signature", signature, ...(family ? { family } : {}) });
      }
      continue;
    }
    const data = stringField(detail, "data");
    if (detail.type !== "reasoning.encrypted" || data === undefined) continue;
    const part = decodeEncrypted(detail, data);
    if (part.encryptedContent !== undefined) {
      events.push(
        part.id === undefined
          ? { type: "reasoning_encrypted", encryptedContent: part.encryptedContent }
          : { type: "reasoning_encrypted", id: part.id, encryptedContent: part.encryptedContent },
      );
    } else {
      events.push({ type: "reasoning_redacted", data });
    }
  }
  return events;
}
