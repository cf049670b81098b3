/**
 * Unified stream events -> chat completion chunks (`data: {chunk}` ... `data: [DONE]`).
 * Reference: platform.openai.com/docs/api-reference/chat-streaming (the chat completion chunk
 * object) and `stream_options.include_usage` in chat/create.
 */
import type { EncodeContext, StreamEncoder } from "../codec.ts";
import { sseFrame } from "../../wire/sse.ts";
import { emptyUsage, mergeUsage, type StreamEvent, type Usage } from "../unified.ts";
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
  let head: { id: string; model: string; created: number } | undefined;
  let usage: Usage = emptyUsage();
  let failed = false;
  let finished = false;

  function chunk(delta: ChatDelta, finishReason: ChatFinishReason | null = null): string {
    const body: ChatCompletionChunk = {
      id: head?.id ?? ctx.requestId,
      object: "chat.completion.chunk",
      created: head?.created ?? 0,
      model: head?.model ?? ctx.request.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    return sseFrame(JSON.stringify(body));
  }

  /** The opening chunk, written as soon as `start` arrives (or before any content without one). */
  function open(id: string, model: string, created: number): string {
    head = { id: id || ctx.requestId, model: model || ctx.request.model, created };
    return chunk({ role: "assistant", content: "" });
  }

  function ensureOpen(): string {
    return head === undefined
      ? open(ctx.requestId, ctx.request.model, Math.floor(Date.now() / 1000))
      : "";
  }

  function push(ev: StreamEvent): string {
    if (failed) return "";
    switch (ev.type) {
      case "start":
        return head === undefined ? open(ev.id, ev.model, ev.created) : "";
      case "text_delta":
        return ensureOpen() + chunk({ content: ev.text });
      case "reasoning_delta":
        return ensureOpen() + chunk({ reasoning_content: ev.text });
      case "reasoning_signature":
        return ensureOpen() +
          chunk({ reasoning_details: encodedSignatureDetail(ev.signature, ev.family) });
      case "reasoning_redacted":
        return ensureOpen() + chunk({ reasoning_details: encodedRedactedDetail(ev.data) });
      case "reasoning_encrypted":
        return ensureOpen() +
          chunk({ reasoning_details: encodedEncryptedDetail(ev.encryptedContent, ev.id) });
      case "tool_call_start":
        return ensureOpen() + chunk({
          tool_calls: [{
            index: ev.index,
            id: ev.id,
            type: "function",
            function: { name: ev.name, arguments: "" },
          }],
        });
      case "tool_call_delta":
        return ensureOpen() +
          chunk({ tool_calls: [{ index: ev.index, function: { arguments: ev.argumentsDelta } }] });
      case "usage":
        usage = mergeUsage(usage, ev.usage);
        return "";
      case "finish":
        if (finished) return "";
        finished = true;
        return ensureOpen() + chunk({}, finishReasonFor(ev.stopReason));
      case "error": {
        failed = true;
        const error = {
          message: ev.error.message,
          type: openAiErrorType(ev.error.kind),
          code: null,
        };
        return sseFrame(JSON.stringify({ error }));
      }
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
  function end(): string {
    if (failed) return "";
    let out = finished ? "" : push({ type: "finish", stopReason: "end_turn" });
    if (ctx.request.includeUsage) {
      const body: ChatCompletionChunk = {
        id: head?.id ?? ctx.requestId,
        object: "chat.completion.chunk",
        created: head?.created ?? 0,
        model: head?.model ?? ctx.request.model,
        choices: [],
        usage: encodeUsage(usage),
      };
      out += sseFrame(JSON.stringify(body));
    }
    return out + DONE;
  }

  return { contentType: "text/event-stream", push, end };
}
