/**
 * Outbound: ConverseStream events -> unified stream events (API Reference,
 * "ConverseStreamOutput": messageStart, contentBlockStart, contentBlockDelta, contentBlockStop,
 * messageStop, metadata, and the exception members).
 */
import type { SseEvent, StreamDecoder } from "../codec.ts";
import type { ErrorKind, StopReason, StreamEvent, UnifiedRequest } from "../unified.ts";
import { GatewayError } from "../unified.ts";
import { isObject, type JsonObject, objectField, parseJson, stringField } from "../json_guards.ts";
import { isJsonResponseCall } from "../messages/structured_output.ts";
import { kindForErrorType, statusForKind } from "./errors.ts";
import { stopReasonFromWire } from "./stop_reason.ts";
import { usageFromWire } from "./usage.ts";

/** What an open content block (by `contentBlockIndex`) turns into. */
type BlockKind = { kind: "tool"; toolIndex: number } | { kind: "json_text" };

export function createStreamDecoder(req: UnifiedRequest): StreamDecoder {
  return new ConverseStreamDecoder(req);
}

class ConverseStreamDecoder implements StreamDecoder {
  readonly #req: UnifiedRequest;
  #started = false;
  #done = false;
  #blocks = new Map<number, BlockKind>();
  #nextToolIndex = 0;
  #structuredOutput = false;
  /** `messageStop` may come before `metadata` (usage): the finish waits for it. */
  #finish: StreamEvent | undefined;
  #usageSeen = false;

  constructor(req: UnifiedRequest) {
    this.#req = req;
  }

  push(event: SseEvent): StreamEvent[] {
    if (this.#done) return [];
    const out: StreamEvent[] = [];
    const exceptionKind = kindForErrorType(event.event);
    if (exceptionKind !== undefined || /exception$/i.test(event.event ?? "")) {
      this.#exception(event, exceptionKind ?? "api_error", out);
      return out;
    }
    const data = parseJson(event.data);
    if (!isObject(data)) {
      throw new GatewayError(
        "bad_gateway",
        "upstream Bedrock stream sent an event that is not JSON",
      );
    }
    switch (event.event) {
      case "messageStart":
        this.#ensureStarted(out);
        break;
      case "contentBlockStart":
        this.#ensureStarted(out);
        this.#blockStart(data, out);
        break;
      case "contentBlockDelta":
        this.#ensureStarted(out);
        this.#blockDelta(data, out);
        break;
      case "contentBlockStop":
        this.#blockStop(data, out);
        break;
      case "messageStop":
        this.#ensureStarted(out);
        this.#messageStop(data, out);
        break;
      case "metadata":
        this.#metadata(data, out);
        break;
      default:
        // Event types added later carry nothing the unified stream knows.
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
          message: "upstream Bedrock stream closed before it sent a message",
          status: 502,
        },
      }];
    }
    const out: StreamEvent[] = [];
    this.#closeOpenToolCalls(out);
    // Without `messageStop` the answer was cut short.
    out.push(this.#finish ?? { type: "finish", stopReason: "error" });
    return out;
  }

  #ensureStarted(out: StreamEvent[]): void {
    if (this.#started) return;
    this.#started = true;
    out.push({
      type: "start",
      id: "",
      model: this.#req.model,
      created: Math.floor(Date.now() / 1000),
    });
  }

  #blockStart(data: JsonObject, out: StreamEvent[]): void {
    const index = typeof data.contentBlockIndex === "number" ? data.contentBlockIndex : -1;
    const toolUse = objectField(objectField(data, "start") ?? {}, "toolUse");
    if (toolUse === undefined) return;
    const name = stringField(toolUse, "name") ?? "";
    if (isJsonResponseCall(this.#req, name)) {
      this.#structuredOutput = true;
      this.#blocks.set(index, { kind: "json_text" });
      return;
    }
    const toolIndex = this.#nextToolIndex++;
    this.#blocks.set(index, { kind: "tool", toolIndex });
    out.push({
      type: "tool_call_start",
      index: toolIndex,
      id: stringField(toolUse, "toolUseId") ?? "",
      name,
    });
  }

  #blockDelta(data: JsonObject, out: StreamEvent[]): void {
    const block = typeof data.contentBlockIndex === "number"
      ? this.#blocks.get(data.contentBlockIndex)
      : undefined;
    const delta = objectField(data, "delta") ?? {};
    const text = stringField(delta, "text");
    if (text !== undefined && text !== "") out.push({ type: "text_delta", text });
    const toolUse = objectField(delta, "toolUse");
    const input = toolUse === undefined ? undefined : stringField(toolUse, "input");
    if (input !== undefined && input !== "") {
      if (block?.kind === "json_text") out.push({ type: "text_delta", text: input });
      else if (block?.kind === "tool") {
        out.push({ type: "tool_call_delta", index: block.toolIndex, argumentsDelta: input });
      }
    }
    const reasoning = objectField(delta, "reasoningContent");
    if (reasoning !== undefined) pushReasoning(reasoning, out);
  }

  #blockStop(data: JsonObject, out: StreamEvent[]): void {
    if (typeof data.contentBlockIndex !== "number") return;
    const block = this.#blocks.get(data.contentBlockIndex);
    this.#blocks.delete(data.contentBlockIndex);
    if (block?.kind === "tool") out.push({ type: "tool_call_end", index: block.toolIndex });
  }

  #closeOpenToolCalls(out: StreamEvent[]): void {
    for (const block of this.#blocks.values()) {
      if (block.kind === "tool") out.push({ type: "tool_call_end", index: block.toolIndex });
    }
    this.#blocks.clear();
  }

  #messageStop(data: JsonObject, out: StreamEvent[]): void {
    this.#closeOpenToolCalls(out);
    let stopReason: StopReason = stopReasonFromWire(data.stopReason);
    // The forced structured-output tool call is the answer itself, not a call to run.
    if (this.#structuredOutput && stopReason === "tool_use") stopReason = "end_turn";
    this.#finish = { type: "finish", stopReason };
    if (this.#usageSeen) this.#emitFinish(out);
  }

  #metadata(data: JsonObject, out: StreamEvent[]): void {
    const usage = objectField(data, "usage");
    if (usage !== undefined) {
      this.#usageSeen = true;
      const unified = usageFromWire(usage);
      out.push({
        type: "usage",
        usage: {
          inputTokens: unified.inputTokens,
          outputTokens: unified.outputTokens,
          cacheReadTokens: unified.cacheReadTokens,
          cacheWriteTokens: unified.cacheWriteTokens,
        },
      });
    }
    if (this.#finish !== undefined) this.#emitFinish(out);
  }

  #emitFinish(out: StreamEvent[]): void {
    out.push(this.#finish!);
    this.#done = true;
  }

  #exception(event: SseEvent, kind: ErrorKind, out: StreamEvent[]): void {
    const body = parseJson(event.data);
    const message = (isObject(body) ? stringField(body, "message") : undefined) ??
      `upstream Bedrock stream reported ${event.event}`;
    // No `start` is invented: an exception before any content lets the caller fall back.
    out.push({ type: "error", error: { kind, message, status: statusForKind(kind) } });
    this.#done = true;
  }
}

/** ReasoningContentBlockDelta: `text`, `signature` or `redactedContent`. */
function pushReasoning(reasoning: JsonObject, out: StreamEvent[]): void {
  const text = stringField(reasoning, "text");
  if (text !== undefined && text !== "") out.push({ type: "reasoning_delta", text });
  const signature = stringField(reasoning, "signature");
  if (signature !== undefined && signature !== "") {
    out.push({ type: "reasoning_signature", signature });
  }
  const redacted = stringField(reasoning, "redactedContent");
  if (redacted !== undefined) out.push({ type: "reasoning_redacted", data: redacted });
}
