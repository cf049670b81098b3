/**
 * Unified stream events -> chat completion chunks (`data: {chunk}` ... `data: [DONE]`).
 * Reference: platform.openai.com/docs/api-reference/chat-streaming (the chat completion chunk
 * object) and `stream_options.include_usage` in chat/create.
 */
import type { EncodeContext, StreamEncoder } from "../codec.ts";
import { sseFrame } from "../../wire/sse.ts";
import {
  emptyUsage,
  type ErrorKind,
  mergeUsage,
  type StreamEvent,
  type Usage,
} from "../unified.ts";
import { openAiErrorType } from "../openai_errors.ts";
import { finishReasonFor } from "./finish_reason.ts";
import {
  encodedEncryptedDetail,
  encodedRedactedDetail,
  encodedSignatureDetail,
} from "./reasoning_details.ts";
import { encodeUsage } from "./usage.ts";
import type { ChatCompletionChunk, ChatDelta, ChatFinishReason } from "./wire.ts";

const DONE = "data: [DONE]\n\n";

export function createStreamEncoder(ctx: EncodeContext): StreamEncoder {
  return new ChatStreamEncoder(ctx);
}

class ChatStreamEncoder implements StreamEncoder {
  readonly contentType = "text/event-stream";
  readonly #ctx: EncodeContext;
  #head: { id: string; model: string; created: number } | undefined;
  #usage: Usage = emptyUsage();
  #failed = false;
  #finished = false;

  constructor(ctx: EncodeContext) {
    this.#ctx = ctx;
  }

  push(ev: StreamEvent): string {
    if (this.#failed) return "";
    switch (ev.type) {
      case "start":
        return this.#head === undefined ? this.#open(ev.id, ev.model, ev.created) : "";
      case "text_delta":
        return this.#delta({ content: ev.text });
      case "reasoning_delta":
        return this.#delta({ reasoning_content: ev.text });
      case "reasoning_signature":
        return this.#delta({ reasoning_details: encodedSignatureDetail(ev.signature, ev.family) });
      case "reasoning_redacted":
        return this.#delta({ reasoning_details: encodedRedactedDetail(ev.data) });
      case "reasoning_encrypted":
        return this.#delta({
          reasoning_details: encodedEncryptedDetail(ev.encryptedContent, ev.id),
        });
      case "tool_call_start":
        return this.#delta({
          tool_calls: [{
            index: ev.index,
            id: ev.id,
            type: "function",
            function: { name: ev.name, arguments: "" },
          }],
        });
      case "tool_call_delta":
        return this.#delta({
          tool_calls: [{ index: ev.index, function: { arguments: ev.argumentsDelta } }],
        });
      case "usage":
        this.#usage = mergeUsage(this.#usage, ev.usage);
        return "";
      case "finish":
        if (this.#finished) return "";
        this.#finished = true;
        return this.#ensureOpen() + this.#chunk({}, finishReasonFor(ev.stopReason));
      case "error":
        return this.#error(ev.error);
      // Gemini text signatures and tool-call ends have no chat counterpart.
      case "text_signature":
      case "tool_call_end":
        return "";
    }
  }

  /**
   * Usage goes last, after the finish chunk, in a chunk with no choices (as OpenAI does). A
   * stream always has a `finish_reason` (the SDK's stream helper rejects one without), so an
   * answer that never said how it ended closes with `stop`.
   */
  end(): string {
    if (this.#failed) return "";
    let out = this.#finished ? "" : this.push({ type: "finish", stopReason: "end_turn" });
    if (this.#ctx.request.includeUsage) {
      const body: ChatCompletionChunk = {
        ...this.#identity(),
        choices: [],
        usage: encodeUsage(this.#usage),
      };
      out += sseFrame(JSON.stringify(body));
    }
    return out + DONE;
  }

  #identity(): Pick<ChatCompletionChunk, "id" | "object" | "created" | "model"> {
    const head = this.#head;
    return {
      id: head?.id ?? this.#ctx.requestId,
      object: "chat.completion.chunk",
      created: head?.created ?? 0,
      model: head?.model ?? this.#ctx.request.model,
    };
  }

  #chunk(delta: ChatDelta, finishReason: ChatFinishReason | null = null): string {
    const body: ChatCompletionChunk = {
      ...this.#identity(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    return sseFrame(JSON.stringify(body));
  }

  #delta(delta: ChatDelta): string {
    return this.#ensureOpen() + this.#chunk(delta);
  }

  /** The opening chunk, written as soon as `start` arrives (or before any content without one). */
  #open(id: string, model: string, created: number): string {
    const ctx = this.#ctx;
    this.#head = { id: id || ctx.requestId, model: model || ctx.request.model, created };
    return this.#chunk({ role: "assistant", content: "" });
  }

  #ensureOpen(): string {
    if (this.#head !== undefined) return "";
    return this.#open(this.#ctx.requestId, this.#ctx.request.model, Math.floor(Date.now() / 1000));
  }

  #error(error: { kind: ErrorKind; message: string }): string {
    this.#failed = true;
    const body = { message: error.message, type: openAiErrorType(error.kind), code: null };
    return sseFrame(JSON.stringify({ error: body }));
  }
}
