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
  let started = false;
  let finished = false;
  let failed = false;
  let refused = false;
  /** Upstream `tool_calls[].index` -> the call it currently stands for. */
  const toolCalls = new Map<number, OpenToolCall>();
  let toolCallCount = 0;
  /** Unified indexes of calls started and not yet ended, in order. */
  let openIndexes: number[] = [];

  function start(chunk: JsonObject): StreamEvent[] {
    if (started) return [];
    started = true;
    const created = numberField(chunk, "created");
    return [{
      type: "start",
      id: stringField(chunk, "id") ?? "",
      model: stringField(chunk, "model") || req.model,
      created: created !== undefined && created > 0 ? created : Math.floor(Date.now() / 1000),
    }];
  }

  /** Chat has no end-of-call marker: calls close together, just before `finish`. */
  function closeToolCalls(): StreamEvent[] {
    const events: StreamEvent[] = openIndexes.map((index) => ({ type: "tool_call_end", index }));
    openIndexes = [];
    toolCalls.clear();
    return events;
  }

  function finish(finishReason: unknown): StreamEvent[] {
    finished = true;
    const hadToolCalls = toolCallCount > 0;
    const events = closeToolCalls();
    const stopReason = refused ? "refusal" : stopReasonFor(finishReason, hadToolCalls);
    events.push({ type: "finish", stopReason });
    return events;
  }

  function toolCallEvents(value: unknown): StreamEvent[] {
    if (!Array.isArray(value)) return [];
    const events: StreamEvent[] = [];
    value.forEach((call: unknown, position) => {
      if (!isObject(call)) return;
      const key = numberField(call, "index") ?? position;
      const fn: JsonObject = objectField(call, "function") ?? {};
      const id = stringField(call, "id") ?? "";
      let open = toolCalls.get(key);
      // A different non-empty id at a known index is a new call (some servers reuse index 0).
      if (open === undefined || (id !== "" && id !== open.id)) {
        if (open !== undefined) {
          // The replaced call can get no more pieces through this index: close it now.
          const replaced = open.index;
          openIndexes = openIndexes.filter((index) => index !== replaced);
          events.push({ type: "tool_call_end", index: replaced });
        }
        open = { index: toolCallCount++, id: id || `call_${toolCallCount - 1}` };
        toolCalls.set(key, open);
        openIndexes.push(open.index);
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

  function deltaEvents(delta: JsonObject): StreamEvent[] {
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
      refused = true;
      events.push({ type: "text_delta", text: refusal });
    }
    events.push(...toolCallEvents(delta.tool_calls));
    return events;
  }

  function push(event: SseEvent): StreamEvent[] {
    if (failed || event.data === "[DONE]") return [];
    const chunk = parseJson(event.data);
    if (!isObject(chunk)) return [];
    const error = objectField(chunk, "error");
    if (error !== undefined) {
      failed = true;
      const kind = errorKindFor(error);
      const message = stringField(error, "message") ?? "upstream stream error";
      return [{ type: "error", error: { kind, message, status: DEFAULT_STATUS[kind] } }];
    }
    const events: StreamEvent[] = [];
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    const choice = choices.find((c: unknown) => isObject(c) && (c.index ?? 0) === 0);
    if (isObject(choice) && !finished) {
      events.push(...start(chunk));
      const delta = objectField(choice, "delta");
      if (delta !== undefined) events.push(...deltaEvents(delta));
      const finishReason = choice.finish_reason;
      if (finishReason !== undefined && finishReason !== null) {
        events.push(...finish(finishReason));
      }
    }
    // Groq also copies usage into `x_groq.usage`; the top-level one is preferred.
    const usage = objectField(chunk, "usage") ??
      objectField(objectField(chunk, "x_groq") ?? {}, "usage");
    if (usage !== undefined) {
      events.push(...start(chunk));
      events.push({ type: "usage", usage: decodeUsage(usage) });
    }
    return events;
  }

  /**
   * The upstream closed: owe a `finish` (and tool-call ends) if it never sent one. A stream
   * that carried no chunk at all answered nothing, which is an upstream failure.
   */
  function end(): StreamEvent[] {
    if (failed || finished) return [];
    if (!started) {
      failed = true;
      return [{
        type: "error",
        error: {
          kind: "bad_gateway",
          message: "upstream chat stream closed before it sent a chunk",
          status: DEFAULT_STATUS.bad_gateway,
        },
      }];
    }
    return finish(null);
  }

  return { push, end };
}
