/**
 * Outbound: Gemini `streamGenerateContent?alt=sse` chunks -> unified stream events
 * (ai.google.dev/api/generate-content#method:-models.streamgeneratecontent). Every `data:` is a
 * whole `GenerateContentResponse` holding only the new parts; usage is cumulative and the last
 * one is final; the chunk with `finishReason` ends the answer. A non-streamed answer has the same
 * shape, so `toUnifiedResponse` reads it through `decodeChunk` too.
 */
import type { SseEvent, StreamDecoder } from "../codec.ts";
import type { StopReason, StreamEvent, UnifiedRequest } from "../unified.ts";
import { gatewayErrorFrom } from "./errors.ts";
import { stopReasonFromGemini } from "./finish_reason.ts";
import { isObject, isString, stringField } from "../json_guards.ts";
import { usageFromGemini } from "./usage.ts";

export function createStreamDecoder(request: UnifiedRequest): GeminiChunkDecoder {
  return new GeminiChunkDecoder(request);
}

export class GeminiChunkDecoder implements StreamDecoder {
  readonly #request: UnifiedRequest;
  #started = false;
  #finished = false;
  #failed = false;
  #toolCalls = 0;
  /** Gemini calls have no ids: minted ones embed the response id so they stay unique. */
  #idStem = "";

  constructor(request: UnifiedRequest) {
    this.#request = request;
  }

  push(event: SseEvent): StreamEvent[] {
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      return []; // Not a chunk (a keep-alive or a stray line): nothing to say.
    }
    return this.decodeChunk(chunk);
  }

  /** One parsed `GenerateContentResponse` (or `{error}`) -> events. */
  decodeChunk(chunk: unknown): StreamEvent[] {
    if (this.#failed || !isObject(chunk)) return [];
    const events: StreamEvent[] = [];
    this.#start(chunk, events);
    if (isObject(chunk["error"])) {
      const error = gatewayErrorFrom(chunk["error"], 500);
      this.#failed = true;
      events.push({
        type: "error",
        error: { kind: error.kind, message: error.message, status: error.status },
      });
      return events;
    }
    const candidate = Array.isArray(chunk["candidates"]) ? chunk["candidates"][0] : undefined;
    if (isObject(candidate)) this.#decodeCandidateParts(candidate, events);
    const usage = usageFromGemini(chunk["usageMetadata"]);
    if (usage !== undefined) events.push({ type: "usage", usage });
    const finishReason = isObject(candidate) ? stringField(candidate, "finishReason") : undefined;
    if (finishReason !== undefined) {
      this.#finish(stopReasonFromGemini(finishReason, this.#toolCalls > 0), events);
    } else if (candidate === undefined && this.#promptBlocked(chunk)) {
      this.#finish("content_filter", events);
    }
    return events;
  }

  /**
   * The SSE stream closed. Its last chunk carries `finishReason`, so a stream that closes before
   * one was cut off: an upstream failure, never a finished answer.
   */
  end(): StreamEvent[] {
    if (this.#failed || this.#finished) return [];
    this.#failed = true;
    const message = this.#started
      ? "upstream Gemini stream closed before its finishReason"
      : "upstream Gemini stream closed before its first chunk";
    return [{ type: "error", error: { kind: "bad_gateway", message, status: 502 } }];
  }

  /** A whole (non-streamed) answer was read: finish it even if it named no finishReason. */
  endOfBody(): StreamEvent[] {
    if (this.#failed) return [];
    const events: StreamEvent[] = [];
    this.#start({}, events);
    this.#finish(this.#toolCalls > 0 ? "tool_use" : "end_turn", events);
    return events;
  }

  #start(chunk: Record<string, unknown>, events: StreamEvent[]): void {
    if (this.#started) return;
    this.#started = true;
    const id = stringField(chunk, "responseId") ?? `gemini-${crypto.randomUUID()}`;
    this.#idStem = id.replace(/[^A-Za-z0-9_-]/g, "_");
    events.push({
      type: "start",
      id,
      model: stringField(chunk, "modelVersion") ?? this.#request.model,
      created: Math.floor(Date.now() / 1000),
    });
  }

  #finish(stopReason: StopReason, events: StreamEvent[]): void {
    if (this.#finished) return;
    this.#finished = true;
    events.push({ type: "finish", stopReason });
  }

  /** `promptFeedback.blockReason` with no candidates: the prompt itself was refused. */
  #promptBlocked(chunk: Record<string, unknown>): boolean {
    const feedback = chunk["promptFeedback"];
    return isObject(feedback) && isString(feedback["blockReason"]);
  }

  /** ai.google.dev/api/caching#Part. Parts Plexus cannot relay (inline images...) are skipped. */
  #decodeCandidateParts(candidate: Record<string, unknown>, events: StreamEvent[]): void {
    const content = candidate["content"];
    if (!isObject(content) || !Array.isArray(content["parts"])) return;
    for (const part of content["parts"]) {
      if (!isObject(part)) continue;
      const signature = stringField(part, "thoughtSignature");
      const call = part["functionCall"];
      if (isObject(call) && isString(call["name"])) {
        this.#decodeFunctionCall(call, call["name"], signature, events);
        continue;
      }
      const text = stringField(part, "text");
      if (part["thought"] === true) {
        if (text !== undefined && text !== "") events.push({ type: "reasoning_delta", text });
        if (signature !== undefined) {
          events.push({ type: "reasoning_signature", signature, family: "gemini" });
        }
        continue;
      }
      if (text !== undefined && text !== "") events.push({ type: "text_delta", text });
      if (signature !== undefined && (text !== undefined || Object.keys(part).length === 1)) {
        events.push({ type: "text_signature", signature });
      }
    }
  }

  /** Gemini sends each call whole, so one delta carries all of its arguments. */
  #decodeFunctionCall(
    call: Record<string, unknown>,
    name: string,
    signature: string | undefined,
    events: StreamEvent[],
  ): void {
    const index = this.#toolCalls++;
    const id = stringField(call, "id") ?? `call_${this.#idStem}_${index}`;
    const start: StreamEvent = { type: "tool_call_start", index, id, name };
    if (signature !== undefined) start.signature = signature;
    events.push(start);
    const args = isObject(call["args"]) ? call["args"] : {};
    events.push({ type: "tool_call_delta", index, argumentsDelta: JSON.stringify(args) });
    events.push({ type: "tool_call_end", index });
  }
}
