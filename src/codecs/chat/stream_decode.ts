/**
 * Chat completion chunks from an upstream -> unified stream events.
 * Reference: platform.openai.com/docs/api-reference/chat-streaming (the chat completion chunk
 * object), with the OpenAI-compatible quirks recorded in fixtures/recorded/chat:
 * - Azure: a first chunk with `choices: []`, empty id and `prompt_filter_results` (skipped);
 * - usage in its own chunk after the finish chunk, or inside the finish chunk (Groq, DeepSeek);
 * - follow-on tool-call deltas that repeat `id: ""`/`type` for the same index (Alibaba);
 * - a whole tool call in one chunk (Groq, xAI); `content: null` deltas;
 * - `delta.reasoning` (OpenRouter) besides `reasoning_content`; `{"error":...}` mid-stream.
 */
import type { SseEvent, StreamDecoder } from "../codec.ts";
import { DEFAULT_STATUS, type StreamEvent, type UnifiedRequest } from "../unified.ts";
import { errorKindFor } from "../openai_errors.ts";
import {
  isObject,
  type JsonObject,
  numberField,
  objectField,
  parseJson,
  stringField,
} from "../json_guards.ts";
import { stopReasonFor } from "./finish_reason.ts";
import { reasoningDetailEvents } from "./reasoning_details.ts";
import { decodeUsage } from "./usage.ts";

interface OpenToolCall {
  /** Unified index: 0, 1, 2... in order of appearance. */
  index: number;
  id: string;
}

export function createStreamDecoder(req: UnifiedRequest): StreamDecoder {
  return new ChatStreamDecoder(req);
}

class ChatStreamDecoder implements StreamDecoder {
  readonly #req: UnifiedRequest;
  #started = false;
  #finished = false;
  #failed = false;
  #refused = false;
  /** Upstream `tool_calls[].index` -> the call it currently stands for. */
  readonly #toolCalls = new Map<number, OpenToolCall>();
  #toolCallCount = 0;
  /** Unified indexes of calls started and not yet ended, in order. */
  #openIndexes: number[] = [];

  constructor(req: UnifiedRequest) {
    this.#req = req;
  }

  push(event: SseEvent): StreamEvent[] {
    if (this.#failed || event.data === "[DONE]") return [];
    const chunk = parseJson(event.data);
    if (!isObject(chunk)) return [];
    const error = objectField(chunk, "error");
    if (error !== undefined) {
      this.#failed = true;
      const kind = errorKindFor(error);
      const message = stringField(error, "message") ?? "upstream stream error";
      return [{ type: "error", error: { kind, message, status: DEFAULT_STATUS[kind] } }];
    }
    const events: StreamEvent[] = [];
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    const choice = choices.find((c: unknown) => isObject(c) && (c.index ?? 0) === 0);
    if (isObject(choice) && !this.#finished) {
      events.push(...this.#start(chunk));
      const delta = objectField(choice, "delta");
      if (delta !== undefined) events.push(...this.#deltaEvents(delta));
      const finishReason = choice.finish_reason;
      if (finishReason !== undefined && finishReason !== null) {
        events.push(...this.#finish(finishReason));
      }
    }
    // Groq also copies usage into `x_groq.usage`; the top-level one is preferred.
    const usage = objectField(chunk, "usage") ??
      objectField(objectField(chunk, "x_groq") ?? {}, "usage");
    if (usage !== undefined) {
      events.push(...this.#start(chunk));
      events.push({ type: "usage", usage: decodeUsage(usage) });
    }
    return events;
  }

  /**
   * The upstream closed: owe a `finish` (and tool-call ends) if it never sent one. A stream
   * that carried no chunk at all answered nothing, which is an upstream failure.
   */
  end(): StreamEvent[] {
    if (this.#failed || this.#finished) return [];
    if (!this.#started) {
      this.#failed = true;
      return [{
        type: "error",
        error: {
          kind: "bad_gateway",
          message: "upstream chat stream closed before it sent a chunk",
          status: DEFAULT_STATUS.bad_gateway,
        },
      }];
    }
    return this.#finish(null);
  }

  #start(chunk: JsonObject): StreamEvent[] {
    if (this.#started) return [];
    this.#started = true;
    const created = numberField(chunk, "created");
    return [{
      type: "start",
      id: stringField(chunk, "id") ?? "",
      model: stringField(chunk, "model") || this.#req.model,
      created: created !== undefined && created > 0 ? created : Math.floor(Date.now() / 1000),
    }];
  }

  /** Chat has no end-of-call marker: calls close together, just before `finish`. */
  #closeToolCalls(): StreamEvent[] {
    const events: StreamEvent[] = this.#openIndexes.map((index) => ({
      type: "tool_call_end",
      index,
    }));
    this.#openIndexes = [];
    this.#toolCalls.clear();
    return events;
  }

  #finish(finishReason: unknown): StreamEvent[] {
    this.#finished = true;
    const hadToolCalls = this.#toolCallCount > 0;
    const events = this.#closeToolCalls();
    const stopReason = this.#refused ? "refusal" : stopReasonFor(finishReason, hadToolCalls);
    events.push({ type: "finish", stopReason });
    return events;
  }

  #deltaEvents(delta: JsonObject): StreamEvent[] {
    const events: StreamEvent[] = [];
    const reasoning = stringField(delta, "reasoning_content") ?? stringField(delta, "reasoning");
    if (reasoning !== undefined && reasoning !== "") {
      events.push({ type: "reasoning_delta", text: reasoning });
    }
    events.push(...reasoningDetailEvents(delta.reasoning_details, reasoning === undefined));
    const content = stringField(delta, "content");
    if (content !== undefined && content !== "") events.push({ type: "text_delta", text: content });
    const refusal = stringField(delta, "refusal");
    if (refusal !== undefined && refusal !== "") {
      this.#refused = true;
      events.push({ type: "text_delta", text: refusal });
    }
    events.push(...this.#toolCallEvents(delta.tool_calls));
    return events;
  }

  #toolCallEvents(value: unknown): StreamEvent[] {
    if (!Array.isArray(value)) return [];
    const events: StreamEvent[] = [];
    value.forEach((call: unknown, position) => {
      if (!isObject(call)) return;
      const key = numberField(call, "index") ?? position;
      const fn: JsonObject = objectField(call, "function") ?? {};
      const id = stringField(call, "id") ?? "";
      let open = this.#toolCalls.get(key);
      // A different non-empty id at a known index is a new call (some servers reuse index 0).
      if (open === undefined || (id !== "" && id !== open.id)) {
        if (open !== undefined) events.push(this.#replaced(open));
        open = { index: this.#toolCallCount++, id: id || `call_${this.#toolCallCount - 1}` };
        this.#toolCalls.set(key, open);
        this.#openIndexes.push(open.index);
        events.push({
          type: "tool_call_start",
          index: open.index,
          id: open.id,
          name: stringField(fn, "name") ?? "",
        });
      }
      const args = stringField(fn, "arguments");
      if (args !== undefined && args !== "") {
        events.push({ type: "tool_call_delta", index: open.index, argumentsDelta: args });
      }
    });
    return events;
  }

  /** The replaced call can get no more pieces through its index: it ends now. */
  #replaced(open: OpenToolCall): StreamEvent {
    this.#openIndexes = this.#openIndexes.filter((index) => index !== open.index);
    return { type: "tool_call_end", index: open.index };
  }
}
