/**
 * Outbound: an Anthropic Messages stream -> unified stream events
 * (Streaming Messages, "Event types" and "Content block delta types").
 */
import type { SseEvent, StreamDecoder } from "../codec.ts";
import type { StopReason, StreamEvent, UnifiedRequest, Usage } from "../unified.ts";
import { GatewayError } from "../unified.ts";
import { kindForErrorType, readWireError, statusForErrorType } from "./errors.ts";
import { isObject, isString, type JsonObject, parseJson, stringField } from "../json_guards.ts";
import { stopReasonFromWire } from "./stop_reason.ts";
import { isJsonResponseCall } from "./structured_output.ts";
import { usageFromWire } from "./usage.ts";

/** What an open content block (by its upstream `index`) turns into. */
type BlockKind =
  | { kind: "text" }
  | { kind: "thinking" }
  | { kind: "tool"; toolIndex: number }
  /** Our structured-output tool: its argument deltas are the answer text. */
  | { kind: "json_text" }
  | { kind: "ignored" };

export function createStreamDecoder(req: UnifiedRequest): StreamDecoder {
  return new MessagesStreamDecoder(req);
}

class MessagesStreamDecoder implements StreamDecoder {
  readonly #req: UnifiedRequest;
  #started = false;
  #done = false;
  #blocks = new Map<number, BlockKind>();
  #nextToolIndex = 0;
  #structuredOutput = false;
  /** Anthropic usage fields seen so far; `message_delta` counts are cumulative. */
  #wireUsage: JsonObject = {};

  constructor(req: UnifiedRequest) {
    this.#req = req;
  }

  push(event: SseEvent): StreamEvent[] {
    if (this.#done) return [];
    const data = parseJson(event.data);
    if (!isObject(data)) {
      throw new GatewayError(
        "bad_gateway",
        "upstream Anthropic stream sent an event that is not JSON",
      );
    }
    const out: StreamEvent[] = [];
    const type = stringField(data, "type") ?? event.event;
    switch (type) {
      case "message_start":
        this.#messageStart(data, out);
        break;
      case "content_block_start":
        this.#ensureStarted(out);
        this.#blockStart(data, out);
        break;
      case "content_block_delta":
        this.#ensureStarted(out);
        this.#blockDelta(data, out);
        break;
      case "content_block_stop":
        this.#blockStop(data, out);
        break;
      case "message_delta":
        this.#ensureStarted(out);
        this.#messageDelta(data, out);
        break;
      case "error":
        this.#error(data, out);
        break;
      default:
        // `ping`, `message_stop` and event types added later carry nothing to translate.
        break;
    }
    return out;
  }

  end(): StreamEvent[] {
    if (this.#done) return [];
    this.#done = true;
    if (!this.#started) {
      // Nothing was answered yet, so the caller may still try another target.
      return [{
        type: "error",
        error: {
          kind: "bad_gateway",
          message: "upstream Anthropic stream closed before it sent a message",
          status: 502,
        },
      }];
    }
    const out: StreamEvent[] = [];
    this.#closeOpenToolCalls(out);
    // The upstream closed without `message_delta`: the answer is cut short.
    out.push({ type: "finish", stopReason: "error" });
    return out;
  }

  #ensureStarted(out: StreamEvent[], id = "", model = this.#req.model): void {
    if (this.#started) return;
    this.#started = true;
    out.push({ type: "start", id, model, created: Math.floor(Date.now() / 1000) });
  }

  #messageStart(data: JsonObject, out: StreamEvent[]): void {
    const message = isObject(data.message) ? data.message : {};
    this.#ensureStarted(out, stringField(message, "id") ?? "", stringField(message, "model"));
    if (isObject(message.usage)) this.#usage(message.usage, out);
  }

  /** Merge the upstream counts and emit the unified totals they add up to. */
  #usage(wire: JsonObject, out: StreamEvent[]): void {
    for (const [key, value] of Object.entries(wire)) {
      if (value !== null && value !== undefined) this.#wireUsage[key] = value;
    }
    const usage: Partial<Usage> = usageFromWire(this.#wireUsage);
    if (!("output_tokens_details" in this.#wireUsage)) delete usage.reasoningTokens;
    out.push({ type: "usage", usage });
  }

  #blockStart(data: JsonObject, out: StreamEvent[]): void {
    const index = typeof data.index === "number" ? data.index : this.#blocks.size;
    const block = isObject(data.content_block) ? data.content_block : {};
    const kind = this.#blockKind(block);
    this.#blocks.set(index, kind);
    switch (block.type) {
      case "text":
        pushText(stringField(block, "text"), out);
        break;
      case "thinking":
        pushReasoning(stringField(block, "thinking"), out);
        pushSignature(stringField(block, "signature"), out);
        break;
      case "redacted_thinking":
        out.push({ type: "reasoning_redacted", data: stringField(block, "data") ?? "" });
        break;
      case "tool_use":
        this.#toolStart(block, kind, out);
        break;
    }
  }

  #blockKind(block: JsonObject): BlockKind {
    switch (block.type) {
      case "text":
        return { kind: "text" };
      case "thinking":
        return { kind: "thinking" };
      case "tool_use": {
        const name = stringField(block, "name") ?? "";
        if (isJsonResponseCall(this.#req, name)) return { kind: "json_text" };
        return { kind: "tool", toolIndex: this.#nextToolIndex++ };
      }
      default:
        // `redacted_thinking` is complete at its start; server tool blocks have no unified form.
        return { kind: "ignored" };
    }
  }

  #toolStart(block: JsonObject, kind: BlockKind, out: StreamEvent[]): void {
    // Some Anthropic-compatible servers put the whole input in the start block.
    const input = isObject(block.input) && Object.keys(block.input).length > 0
      ? JSON.stringify(block.input)
      : "";
    if (kind.kind === "json_text") {
      this.#structuredOutput = true;
      pushText(input, out);
      return;
    }
    if (kind.kind !== "tool") return;
    out.push({
      type: "tool_call_start",
      index: kind.toolIndex,
      id: stringField(block, "id") ?? "",
      name: stringField(block, "name") ?? "",
    });
    if (input !== "") {
      out.push({ type: "tool_call_delta", index: kind.toolIndex, argumentsDelta: input });
    }
  }

  #blockDelta(data: JsonObject, out: StreamEvent[]): void {
    const kind = typeof data.index === "number" ? this.#blocks.get(data.index) : undefined;
    const delta = isObject(data.delta) ? data.delta : {};
    switch (delta.type) {
      case "text_delta":
        pushText(stringField(delta, "text"), out);
        break;
      case "thinking_delta":
        pushReasoning(stringField(delta, "thinking"), out);
        break;
      case "signature_delta":
        pushSignature(stringField(delta, "signature"), out);
        break;
      case "input_json_delta": {
        const partial = stringField(delta, "partial_json") ?? "";
        if (kind?.kind === "json_text") pushText(partial, out);
        else if (kind?.kind === "tool" && partial !== "") {
          out.push({ type: "tool_call_delta", index: kind.toolIndex, argumentsDelta: partial });
        }
        break;
      }
      default:
        // `citations_delta` and future delta types are not part of the unified stream.
        break;
    }
  }

  #blockStop(data: JsonObject, out: StreamEvent[]): void {
    if (typeof data.index !== "number") return;
    const kind = this.#blocks.get(data.index);
    this.#blocks.delete(data.index);
    if (kind?.kind === "tool") out.push({ type: "tool_call_end", index: kind.toolIndex });
  }

  #closeOpenToolCalls(out: StreamEvent[]): void {
    for (const kind of this.#blocks.values()) {
      if (kind.kind === "tool") out.push({ type: "tool_call_end", index: kind.toolIndex });
    }
    this.#blocks.clear();
  }

  #messageDelta(data: JsonObject, out: StreamEvent[]): void {
    if (isObject(data.usage)) this.#usage(data.usage, out);
    const delta = isObject(data.delta) ? data.delta : {};
    if (delta.stop_reason === undefined || delta.stop_reason === null) return;
    this.#closeOpenToolCalls(out);
    let stopReason: StopReason = stopReasonFromWire(delta.stop_reason);
    // The forced structured-output tool call is the answer itself, not a call to run.
    if (this.#structuredOutput && stopReason === "tool_use") stopReason = "end_turn";
    const finish: StreamEvent = { type: "finish", stopReason };
    const stopSequence = stringField(delta, "stop_sequence");
    if (stopSequence !== undefined) finish.stopSequence = stopSequence;
    out.push(finish);
    this.#done = true;
  }

  #error(data: JsonObject, out: StreamEvent[]): void {
    const error = readWireError(data);
    const type = error?.type;
    // No `start` is invented here: an error before any content lets the caller fall back.
    out.push({
      type: "error",
      error: {
        kind: kindForErrorType(type),
        message: error?.message ?? "upstream Anthropic stream reported an error",
        status: statusForErrorType(type),
      },
    });
    this.#done = true;
  }
}

function pushText(text: string | undefined, out: StreamEvent[]): void {
  if (text !== undefined && text !== "") out.push({ type: "text_delta", text });
}

function pushReasoning(text: string | undefined, out: StreamEvent[]): void {
  if (text !== undefined && text !== "") out.push({ type: "reasoning_delta", text });
}

function pushSignature(signature: string | undefined, out: StreamEvent[]): void {
  if (isString(signature) && signature !== "") {
    out.push({ type: "reasoning_signature", signature, family: "anthropic" });
  }
}
