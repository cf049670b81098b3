/**
 * Inbound: unified stream events -> the SSE stream an Anthropic client reads
 * (Streaming Messages, "Event types": message_start, content blocks, message_delta,
 * message_stop; "Error events").
 */
import { carriedSignature } from "../signature_carrier.ts";
import type { EncodeContext, StreamEncoder } from "../codec.ts";
import type { StopReason, StreamEvent, Usage } from "../unified.ts";
import { emptyUsage, mergeUsage } from "../unified.ts";
import { sseFrame } from "../../wire/sse.ts";
import { errorBody } from "./errors.ts";
import { messageId } from "./ids.ts";
import { stopReasonToWire } from "./stop_reason.ts";
import { usageToWire } from "./usage.ts";

type OpenBlock =
  | { kind: "text"; index: number }
  | { kind: "thinking"; index: number; signed: boolean }
  | { kind: "tool"; index: number; toolIndex: number; hasArguments: boolean };

export function createStreamEncoder(ctx: EncodeContext): StreamEncoder {
  return new MessagesStreamEncoder(ctx);
}

function frame(type: string, payload: Record<string, unknown>): string {
  return sseFrame(JSON.stringify({ type, ...payload }), type);
}

class MessagesStreamEncoder implements StreamEncoder {
  readonly contentType = "text/event-stream";
  readonly #ctx: EncodeContext;
  #started = false;
  /**
   * `start` is held to the end of its upstream frame, so usage sent with it (Anthropic's and
   * Gemini's first frames carry both) reaches message_start.
   */
  #pendingStart: { id: string; model: string } | undefined;
  /** After an error or `end()` nothing more is written. */
  #closed = false;
  #open: OpenBlock | undefined;
  /**
   * Calls that started while another call's block was still open (an upstream that interleaves
   * parallel calls): Anthropic blocks follow one another, so each waits here, arguments
   * gathered, until the open call ends.
   */
  #waiting = new Map<number, { id: string; name: string; args: string; ended: boolean }>();
  #nextBlockIndex = 0;
  #usage: Usage = emptyUsage();
  #stopReason: StopReason = "end_turn";
  #stopSequence: string | undefined;

  constructor(ctx: EncodeContext) {
    this.#ctx = ctx;
  }

  push(event: StreamEvent): string {
    if (this.#closed) return "";
    if (event.type === "start") {
      if (!this.#started) this.#pendingStart ??= { id: event.id, model: event.model };
      return "";
    }
    if (event.type === "usage") this.#usage = mergeUsage(this.#usage, event.usage);
    return this.#flushStart() + this.#encode(event);
  }

  endOfFrame(): string {
    return this.#closed ? "" : this.#flushStart();
  }

  /** message_start for a held `start`; real streams report input usage there. */
  #flushStart(): string {
    const pending = this.#pendingStart;
    if (pending === undefined) return "";
    this.#pendingStart = undefined;
    return this.#start(pending.id, pending.model);
  }

  #encode(event: Exclude<StreamEvent, { type: "start" }>): string {
    switch (event.type) {
      case "text_delta":
        return this.#textDelta(event.text);
      case "reasoning_delta":
        return this.#reasoningDelta(event.text);
      case "reasoning_signature":
        return this.#reasoningSignature(
          carriedSignature(event.signature, event.family ?? "anthropic", "anthropic"),
        );
      case "reasoning_redacted":
        return this.#redacted(event.data);
      case "tool_call_start":
        return this.#toolStart(event.index, event.id, event.name);
      case "tool_call_delta":
        return this.#toolDelta(event.index, event.argumentsDelta);
      case "tool_call_end":
        return this.#toolEnd(event.index);
      case "usage":
        return "";
      case "finish":
        this.#stopReason = event.stopReason;
        this.#stopSequence = event.stopSequence;
        return this.#closeBlock() + this.#flushWaiting();
      case "error":
        this.#closed = true;
        return sseFrame(JSON.stringify(errorBody(event.error.kind, event.error.message)), "error");
      case "text_signature":
      case "reasoning_encrypted":
        // Gemini text signatures and OpenAI encrypted reasoning have no Anthropic block.
        return "";
    }
  }

  end(): string {
    if (this.#closed) return "";
    this.#closed = true;
    // message_delta carries the final cumulative usage, input tokens included: upstreams such
    // as OpenAI report them only at the end, and the official SDK reads them from here.
    return this.#ensureStarted() +
      this.#closeBlock() +
      this.#flushWaiting() +
      frame("message_delta", {
        delta: {
          stop_reason: stopReasonToWire(this.#stopReason),
          stop_sequence: this.#stopSequence ?? null,
          stop_details: null,
        },
        usage: usageToWire(this.#usage),
      }) +
      frame("message_stop", {});
  }

  #start(id: string, model: string): string {
    if (this.#started) return "";
    this.#started = true;
    return frame("message_start", {
      message: {
        id: messageId(id, this.#ctx.requestId),
        type: "message",
        role: "assistant",
        model: model || this.#ctx.request.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        stop_details: null,
        usage: usageToWire(this.#usage),
      },
    });
  }

  /** A stream must open with message_start even if the first event was not `start`. */
  #ensureStarted(): string {
    if (this.#started) return "";
    return this.#flushStart() || this.#start(this.#ctx.requestId, this.#ctx.request.model);
  }

  #openBlock(block: Record<string, unknown>, open: OpenBlock): string {
    this.#open = open;
    return frame("content_block_start", { index: open.index, content_block: block });
  }

  #closeBlock(): string {
    const open = this.#open;
    if (open === undefined) return "";
    this.#open = undefined;
    // A call without argument deltas still needs a valid JSON input for clients that join them.
    const emptyInput = open.kind === "tool" && !open.hasArguments
      ? this.#delta(open.index, { type: "input_json_delta", partial_json: "{}" })
      : "";
    return emptyInput + frame("content_block_stop", { index: open.index });
  }

  #delta(index: number, delta: Record<string, unknown>): string {
    return frame("content_block_delta", { index, delta });
  }

  #textDelta(text: string): string {
    if (text === "") return "";
    let out = this.#ensureStarted();
    if (this.#open?.kind !== "text") {
      out += this.#closeBlock() +
        this.#openBlock({ type: "text", text: "" }, {
          kind: "text",
          index: this.#nextBlockIndex++,
        });
    }
    return out + this.#delta(this.#open!.index, { type: "text_delta", text });
  }

  /** Opens a thinking block unless an unsigned one is open (a signature ends a block). */
  #thinkingBlock(): string {
    if (this.#open?.kind === "thinking" && !this.#open.signed) return "";
    return this.#closeBlock() +
      this.#openBlock(
        { type: "thinking", thinking: "", signature: "" },
        { kind: "thinking", index: this.#nextBlockIndex++, signed: false },
      );
  }

  #reasoningDelta(text: string): string {
    if (text === "") return "";
    const out = this.#ensureStarted() + this.#thinkingBlock();
    return out + this.#delta(this.#open!.index, { type: "thinking_delta", thinking: text });
  }

  #reasoningSignature(signature: string): string {
    const out = this.#ensureStarted() + this.#thinkingBlock();
    const open = this.#open as { kind: "thinking"; index: number; signed: boolean };
    open.signed = true;
    return out + this.#delta(open.index, { type: "signature_delta", signature });
  }

  #redacted(data: string): string {
    const out = this.#ensureStarted() + this.#closeBlock();
    const index = this.#nextBlockIndex++;
    return out +
      frame("content_block_start", { index, content_block: { type: "redacted_thinking", data } }) +
      frame("content_block_stop", { index });
  }

  #toolStart(toolIndex: number, id: string, name: string): string {
    if (this.#open?.kind === "tool" || this.#waiting.size > 0) {
      this.#waiting.set(toolIndex, { id, name, args: "", ended: false });
      return this.#ensureStarted();
    }
    return this.#openTool(toolIndex, id, name);
  }

  #openTool(toolIndex: number, id: string, name: string): string {
    const out = this.#ensureStarted() + this.#closeBlock();
    return out + this.#openBlock(
      { type: "tool_use", id, name, input: {} },
      { kind: "tool", index: this.#nextBlockIndex++, toolIndex, hasArguments: false },
    );
  }

  /**
   * Anthropic cannot reopen a closed block, so a delta for a call that is no longer the open
   * block (only possible if an upstream interleaves parallel calls) has nowhere to go.
   */
  #toolDelta(toolIndex: number, argumentsDelta: string): string {
    const waiting = this.#waiting.get(toolIndex);
    if (waiting !== undefined) {
      waiting.args += argumentsDelta;
      return "";
    }
    const open = this.#open;
    if (open?.kind !== "tool" || open.toolIndex !== toolIndex || argumentsDelta === "") return "";
    open.hasArguments = true;
    return this.#delta(open.index, { type: "input_json_delta", partial_json: argumentsDelta });
  }

  #toolEnd(toolIndex: number): string {
    const waiting = this.#waiting.get(toolIndex);
    if (waiting !== undefined) {
      waiting.ended = true;
      return "";
    }
    if (this.#open?.kind !== "tool" || this.#open.toolIndex !== toolIndex) return "";
    return this.#closeBlock() + this.#flushWaiting(false);
  }

  /**
   * Waiting calls in order, each as a block with its gathered arguments; the first that has not
   * ended stays open and streams on (unless `all`, at the end of the answer).
   */
  #flushWaiting(all = true): string {
    let out = "";
    for (const [toolIndex, call] of this.#waiting) {
      this.#waiting.delete(toolIndex);
      out += this.#openTool(toolIndex, call.id, call.name) + this.#toolDelta(toolIndex, call.args);
      if (!call.ended && !all) return out;
      out += this.#closeBlock();
    }
    return out;
  }
}
