/**
 * Outbound: a Responses event stream -> unified stream events
 * (OpenAI API reference, "Streaming events"; OpenAI guide "Streaming API responses").
 */
import type { SseEvent, StreamDecoder } from "../codec.ts";
import { DEFAULT_STATUS, type StreamEvent, type UnifiedRequest } from "../unified.ts";
import { kindForErrorCode } from "./errors.ts";
import { argumentsText, summaryText } from "./response_decode.ts";
import { stopReasonForOutcome } from "./stop_reason.ts";
import { usageFromWire } from "./usage.ts";
import {
  arrayField,
  isObject,
  type JsonObject,
  numberField,
  objectField,
  parseJson,
  stringField,
} from "../json_guards.ts";

interface ToolCallState {
  index: number;
  /** The argument text already passed on, to reconcile with `....done` events. */
  sent: string;
  ended: boolean;
}

interface ReasoningState {
  lastSummaryIndex?: number;
  emitted: boolean;
}

export function createStreamDecoder(req: UnifiedRequest): StreamDecoder {
  return new ResponsesStreamDecoder(req);
}

class ResponsesStreamDecoder implements StreamDecoder {
  #req: UnifiedRequest;
  #started = false;
  #done = false;
  #refused = false;
  /** Tool calls by item id and by `#<output_index>`, since events name one or the other. */
  #tools = new Map<string, ToolCallState>();
  #toolOrder: ToolCallState[] = [];
  #reasoning = new Map<string, ReasoningState>();
  #textItems = new Set<string>();

  constructor(req: UnifiedRequest) {
    this.#req = req;
  }

  push(sse: SseEvent): StreamEvent[] {
    const data = parseJson(sse.data);
    if (!isObject(data) || this.#done) return [];
    const type = stringField(data, "type") ?? sse.event ?? "";
    const out: StreamEvent[] = [];
    if (type !== "error") this.#ensureStart(objectField(data, "response"), out);
    switch (type) {
      case "response.output_item.added":
        this.#itemAdded(data, out);
        break;
      case "response.output_text.delta":
        this.#text(data, out);
        break;
      case "response.refusal.delta":
        this.#refused = true;
        this.#text(data, out);
        break;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        this.#reasoningDelta(data, out);
        break;
      case "response.function_call_arguments.delta": {
        const tool = this.#tool(data);
        const delta = stringField(data, "delta") ?? "";
        if (tool && delta !== "") {
          tool.sent += delta;
          out.push({ type: "tool_call_delta", index: tool.index, argumentsDelta: delta });
        }
        break;
      }
      case "response.function_call_arguments.done": {
        const tool = this.#tool(data);
        if (tool) this.#reconcileArguments(tool, stringField(data, "arguments"), out);
        break;
      }
      case "response.output_item.done":
        this.#itemDone(data, out);
        break;
      case "response.completed":
      case "response.incomplete":
        this.#finish(objectField(data, "response") ?? {}, type, out);
        break;
      case "response.failed": {
        const error = objectField(objectField(data, "response") ?? {}, "error") ?? {};
        this.#fail(stringField(error, "code"), stringField(error, "message"), out);
        break;
      }
      case "error": {
        this.#ensureStart(undefined, out);
        // OpenAI nests the details under `error`; the documented event has them at top level.
        const error = objectField(data, "error") ?? data;
        this.#fail(
          stringField(error, "code") ?? stringField(error, "type"),
          stringField(error, "message"),
          out,
        );
        break;
      }
      default:
        // Lifecycle, part and `....done` events repeat what the deltas said; unknown ones are
        // tolerated (annotations, obfuscation padding, hosted tools).
        break;
    }
    return out;
  }

  /**
   * A Responses stream always ends with `response.completed`, `response.incomplete` or
   * `response.failed` ("Streaming events"); closing without one means the answer was cut off, so
   * it is an upstream failure, never a finished answer (its last tool call may be half-written).
   */
  end(): StreamEvent[] {
    if (this.#done) return [];
    this.#done = true;
    const message = this.#started
      ? "upstream Responses stream closed before its terminal event"
      : "upstream Responses stream closed before it sent a response";
    return [{ type: "error", error: { kind: "bad_gateway", message, status: 502 } }];
  }

  #ensureStart(response: JsonObject | undefined, out: StreamEvent[]): void {
    if (this.#started) return;
    this.#started = true;
    out.push({
      type: "start",
      id: (response && stringField(response, "id")) ?? "",
      model: (response && stringField(response, "model")) ?? this.#req.model,
      created: (response && numberField(response, "created_at")) ??
        Math.floor(Date.now() / 1000),
    });
  }

  #itemAdded(data: JsonObject, out: StreamEvent[]): void {
    const item = objectField(data, "item");
    if (!item || item.type !== "function_call") return;
    const tool = this.#startTool(data, item, out);
    const args = item.arguments;
    if (typeof args === "string" && args !== "") this.#reconcileArguments(tool, args, out);
  }

  #startTool(data: JsonObject, item: JsonObject, out: StreamEvent[]): ToolCallState {
    const tool: ToolCallState = { index: this.#toolOrder.length, sent: "", ended: false };
    this.#toolOrder.push(tool);
    const itemId = stringField(item, "id");
    if (itemId !== undefined) this.#tools.set(itemId, tool);
    const outputIndex = numberField(data, "output_index");
    if (outputIndex !== undefined) this.#tools.set(`#${outputIndex}`, tool);
    out.push({
      type: "tool_call_start",
      index: tool.index,
      id: stringField(item, "call_id") ?? itemId ?? `call_${tool.index}`,
      name: stringField(item, "name") ?? "",
    });
    return tool;
  }

  #tool(data: JsonObject): ToolCallState | undefined {
    const itemId = stringField(data, "item_id");
    const byId = itemId !== undefined ? this.#tools.get(itemId) : undefined;
    if (byId) return byId;
    const outputIndex = numberField(data, "output_index");
    return outputIndex !== undefined ? this.#tools.get(`#${outputIndex}`) : undefined;
  }

  /** A `....done` event carries the whole arguments: pass on whatever the deltas did not. */
  #reconcileArguments(tool: ToolCallState, full: string | undefined, out: StreamEvent[]): void {
    if (full === undefined || full.length <= tool.sent.length || !full.startsWith(tool.sent)) {
      return;
    }
    const rest = full.slice(tool.sent.length);
    tool.sent = full;
    out.push({ type: "tool_call_delta", index: tool.index, argumentsDelta: rest });
  }

  #text(data: JsonObject, out: StreamEvent[]): void {
    const delta = stringField(data, "delta") ?? "";
    const itemId = stringField(data, "item_id");
    if (itemId !== undefined) this.#textItems.add(itemId);
    if (delta !== "") out.push({ type: "text_delta", text: delta });
  }

  #reasoningDelta(data: JsonObject, out: StreamEvent[]): void {
    const delta = stringField(data, "delta") ?? "";
    const state = this.#reasoningState(stringField(data, "item_id") ?? "");
    const summaryIndex = numberField(data, "summary_index");
    // Summary parts are separate paragraphs; keep them apart in the joined text.
    if (state.emitted && summaryIndex !== state.lastSummaryIndex) {
      out.push({ type: "reasoning_delta", text: "\n\n" });
    }
    state.lastSummaryIndex = summaryIndex;
    if (delta === "") return;
    state.emitted = true;
    out.push({ type: "reasoning_delta", text: delta });
  }

  #reasoningState(itemId: string): ReasoningState {
    let state = this.#reasoning.get(itemId);
    if (!state) {
      state = { emitted: false };
      this.#reasoning.set(itemId, state);
    }
    return state;
  }

  #itemDone(data: JsonObject, out: StreamEvent[]): void {
    const item = objectField(data, "item");
    if (!item) return;
    const id = stringField(item, "id");
    if (item.type === "function_call") {
      const tool = this.#tool({ ...data, item_id: id }) ?? this.#startTool(data, item, out);
      this.#reconcileArguments(tool, argumentsText(item.arguments), out);
      this.#endTool(tool, out);
    } else if (item.type === "reasoning") {
      const state = this.#reasoningState(id ?? "");
      const text = summaryText(item);
      if (!state.emitted && text !== "") {
        state.emitted = true;
        out.push({ type: "reasoning_delta", text });
      }
      const encrypted = stringField(item, "encrypted_content");
      if (encrypted !== undefined) {
        out.push({
          type: "reasoning_encrypted",
          encryptedContent: encrypted,
          ...(id !== undefined ? { id } : {}),
        });
      }
    } else if (item.type === "message" && (id === undefined || !this.#textItems.has(id))) {
      // A provider that skipped the deltas still gets its text through.
      for (const c of arrayField(item, "content") ?? []) {
        if (!isObject(c)) continue;
        if (c.type === "refusal") this.#refused = true;
        const text = stringField(c, "text") ?? stringField(c, "refusal") ?? "";
        if (text !== "") out.push({ type: "text_delta", text });
      }
    }
  }

  #endTool(tool: ToolCallState, out: StreamEvent[]): void {
    if (tool.ended) return;
    tool.ended = true;
    out.push({ type: "tool_call_end", index: tool.index });
  }

  #endTools(out: StreamEvent[]): void {
    for (const tool of this.#toolOrder) this.#endTool(tool, out);
  }

  #finish(response: JsonObject, eventType: string, out: StreamEvent[]): void {
    this.#endTools(out);
    const usage = usageFromWire(response.usage);
    if (usage) out.push({ type: "usage", usage });
    const status = stringField(response, "status") ??
      (eventType === "response.incomplete" ? "incomplete" : "completed");
    const incomplete = objectField(response, "incomplete_details");
    const stopReason = stopReasonForOutcome(
      status,
      incomplete && stringField(incomplete, "reason"),
      this.#toolOrder.length > 0,
    );
    out.push({
      type: "finish",
      stopReason: this.#refused && status === "completed" ? "refusal" : stopReason,
    });
    this.#done = true;
  }

  #fail(code: string | undefined, message: string | undefined, out: StreamEvent[]): void {
    const kind = kindForErrorCode(code);
    out.push({
      type: "error",
      error: {
        kind,
        message: message ?? "the upstream response failed",
        status: DEFAULT_STATUS[kind],
      },
    });
    this.#done = true;
  }
}
