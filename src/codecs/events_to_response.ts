/**
 * Folds unified stream events into one unified response, the way a client joins a stream: deltas
 * into parts (a change of kind, or a signature, starts a new part), tool-call arguments by index,
 * usage merged. Gemini decodes its non-streamed answer through it, so both read the same way;
 * tests fold decoded streams with it.
 */
import {
  emptyUsage,
  GatewayError,
  mergeUsage,
  type ReasoningPart,
  type StopReason,
  type StreamEvent,
  type TextPart,
  type ToolCallPart,
  type UnifiedResponse,
  type Usage,
} from "./unified.ts";

type ResponsePart = TextPart | ToolCallPart | ReasoningPart;

/** A stream's events as one response, with the errors it carried (in order). */
export interface FoldedEvents {
  response: UnifiedResponse;
  errors: Array<Extract<StreamEvent, { type: "error" }>["error"]>;
  /** Whether a `finish` event came. */
  finished: boolean;
}

/** The response the events add up to; the stream's first error is thrown as a `GatewayError`. */
export function responseFromEvents(events: Iterable<StreamEvent>): UnifiedResponse {
  const { response, errors } = foldEvents(events);
  const [error] = errors;
  if (error === undefined) return response;
  throw new GatewayError(error.kind, error.message, { status: error.status });
}

// Long function: one switch over the stream event kinds, a case each.
export function foldEvents(events: Iterable<StreamEvent>): FoldedEvents {
  let id = "";
  let model = "";
  let created = 0;
  let stopReason: StopReason = "end_turn";
  let stopSequence: string | undefined;
  let usage: Usage = emptyUsage();
  const content: ResponsePart[] = [];
  const toolCalls = new Map<number, ToolCallPart>();
  const errors: FoldedEvents["errors"] = [];
  let finished = false;

  /** The open part of this kind, or a new one; a signed part is closed to more text. */
  const openPart = <K extends "text" | "reasoning">(type: K) => {
    const last = content[content.length - 1];
    if (last !== undefined && last.type === type && last.signature === undefined) {
      return last as Extract<ResponsePart, { type: K }>;
    }
    const part = { type, text: "" } as Extract<ResponsePart, { type: K }>;
    content.push(part);
    return part;
  };

  for (const event of events) {
    switch (event.type) {
      case "start":
        ({ id, model, created } = event);
        break;
      case "text_delta":
        openPart("text").text += event.text;
        break;
      case "text_signature":
        openPart("text").signature = event.signature;
        break;
      case "reasoning_delta":
        openPart("reasoning").text += event.text;
        break;
      case "reasoning_signature":
        Object.assign(openPart("reasoning"), {
          signature: event.signature,
          ...(event.family !== undefined ? { family: event.family } : {}),
        });
        break;
      case "reasoning_redacted":
        content.push({ type: "reasoning", text: "", redactedData: event.data });
        break;
      case "reasoning_encrypted": {
        const part: ReasoningPart = {
          type: "reasoning",
          text: "",
          encryptedContent: event.encryptedContent,
        };
        if (event.id !== undefined) part.id = event.id;
        content.push(part);
        break;
      }
      case "tool_call_start": {
        const call: ToolCallPart = {
          type: "tool_call",
          id: event.id,
          name: event.name,
          arguments: "",
        };
        if (event.signature !== undefined) call.signature = event.signature;
        toolCalls.set(event.index, call);
        content.push(call);
        break;
      }
      case "tool_call_delta": {
        const call = toolCalls.get(event.index);
        if (call !== undefined) call.arguments += event.argumentsDelta;
        break;
      }
      case "tool_call_end": {
        const call = toolCalls.get(event.index);
        if (call !== undefined && call.arguments === "") call.arguments = "{}";
        break;
      }
      case "usage":
        usage = mergeUsage(usage, event.usage);
        break;
      case "finish":
        stopReason = event.stopReason;
        stopSequence = event.stopSequence;
        finished = true;
        break;
      case "error":
        errors.push(event.error);
        break;
    }
  }
  const response: UnifiedResponse = { id, model, content, stopReason, usage, created };
  if (stopSequence !== undefined) response.stopSequence = stopSequence;
  return { response, errors, finished };
}
