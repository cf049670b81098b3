/**
 * Inbound stream: unified events -> Gemini `streamGenerateContent` chunks
 * (ai.google.dev/api/generate-content#method:-models.streamgeneratecontent). With `?alt=sse` each
 * chunk is one `data:` frame; without it the body is one JSON array written piece by piece
 * (`[`, chunk, `,\r\n`, chunk, ..., `]`). Each chunk holds only the new parts; the last one,
 * written in `end()`, carries `finishReason` and the merged `usageMetadata`.
 */
import type { EncodeContext, StreamEncoder } from "../codec.ts";
import {
  emptyUsage,
  mergeUsage,
  type StopReason,
  type StreamEvent,
  type Usage,
} from "../unified.ts";
import { sseFrame } from "../../wire/sse.ts";
import { errorBody } from "./errors.ts";
import { finishReasonToGemini } from "./finish_reason.ts";
import { functionCallPart } from "./response_encode.ts";
import { packAnthropicThinking } from "./thinking_carrier.ts";
import { usageToGemini } from "./usage.ts";
import type { GeminiPart } from "./wire.ts";

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
  signature?: string;
}

export function createStreamEncoder(ctx: EncodeContext): StreamEncoder {
  return new GeminiStreamEncoder(ctx.sse === true, ctx.requestId, ctx.request.model);
}

class GeminiStreamEncoder implements StreamEncoder {
  readonly contentType: string;
  readonly #sse: boolean;
  #responseId: string;
  #model: string;
  /** JSON-array mode: `[` written, and whether a chunk already follows it. */
  #opened = false;
  #chunks = 0;
  #failed = false;
  #stopReason: StopReason = "end_turn";
  #usage: Usage = emptyUsage();
  /** Gemini sends calls whole: arguments wait here until `tool_call_end`. */
  #calls = new Map<number, PendingCall>();
  /** Anthropic thinking text since its last signature, to pack with the signature. */
  #thinking = "";
  /** Packed Anthropic thinking waiting for the first function call (`thinking_carrier.ts`). */
  #packed: string | undefined;

  constructor(sse: boolean, requestId: string, model: string) {
    this.#sse = sse;
    this.contentType = sse ? "text/event-stream" : "application/json";
    this.#responseId = requestId;
    this.#model = model;
  }

  push(event: StreamEvent): string {
    if (this.#failed) return "";
    switch (event.type) {
      case "start":
        this.#responseId = event.id;
        this.#model = event.model;
        return this.#open();
      case "text_delta":
        return this.#unpackedThinking() + this.#parts([{ text: event.text }]);
      case "text_signature":
        return this.#parts([{ text: "", thoughtSignature: event.signature }]);
      case "reasoning_delta":
        this.#thinking += event.text;
        return this.#parts([{ text: event.text, thought: true }]);
      case "reasoning_signature":
        if (event.family === "anthropic") {
          this.#packed = packAnthropicThinking(this.#thinking, event.signature);
          this.#thinking = "";
          return "";
        }
        return this.#parts([{ text: "", thought: true, thoughtSignature: event.signature }]);
      case "reasoning_redacted":
      case "reasoning_encrypted":
        return ""; // Opaque reasoning of other providers has no Gemini form.
      case "tool_call_start": {
        const call: PendingCall = { id: event.id, name: event.name, arguments: "" };
        const signature = event.signature ?? this.#packed;
        this.#packed = undefined;
        if (signature !== undefined) call.signature = signature;
        this.#calls.set(event.index, call);
        return "";
      }
      case "tool_call_delta": {
        const call = this.#calls.get(event.index);
        if (call !== undefined) call.arguments += event.argumentsDelta;
        return "";
      }
      case "tool_call_end":
        return this.#flushCall(event.index);
      case "usage":
        this.#usage = mergeUsage(this.#usage, event.usage);
        return "";
      case "finish":
        this.#stopReason = event.stopReason;
        return "";
      case "error":
        this.#failed = true;
        return this.#chunk(errorBody(event.error.kind, event.error.message, event.error.status));
    }
  }

  end(): string {
    if (this.#failed) return this.#close();
    let out = this.#unpackedThinking();
    for (const index of [...this.#calls.keys()]) out += this.#flushCall(index);
    out += this.#chunk({
      candidates: [{
        content: { role: "model", parts: [{ text: "" }] },
        finishReason: finishReasonToGemini(this.#stopReason),
        index: 0,
      }],
      usageMetadata: usageToGemini(this.#usage),
      modelVersion: this.#model,
      responseId: this.#responseId,
    });
    return out + this.#close();
  }

  #flushCall(index: number): string {
    const call = this.#calls.get(index);
    if (call === undefined) return "";
    this.#calls.delete(index);
    return this.#parts([functionCallPart(call.name, call.arguments, call.signature, call.id)]);
  }

  /** Packed thinking no function call followed: it goes on a thought part of its own. */
  #unpackedThinking(): string {
    if (this.#packed === undefined) return "";
    const part: GeminiPart = { text: "", thought: true, thoughtSignature: this.#packed };
    this.#packed = undefined;
    return this.#parts([part]);
  }

  #parts(parts: GeminiPart[]): string {
    return this.#chunk({
      candidates: [{ content: { role: "model", parts }, index: 0 }],
      modelVersion: this.#model,
      responseId: this.#responseId,
    });
  }

  /** The array opens at `start` so the client gets its first byte at once. */
  #open(): string {
    if (this.#sse || this.#opened) return "";
    this.#opened = true;
    return "[";
  }

  #chunk(value: unknown): string {
    const json = JSON.stringify(value);
    if (this.#sse) return sseFrame(json);
    const prefix = this.#open() + (this.#chunks > 0 ? ",\r\n" : "");
    this.#chunks++;
    return prefix + json;
  }

  #close(): string {
    return this.#sse ? "" : this.#open() + "]";
  }
}
