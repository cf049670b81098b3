/**
 * Inbound: unified stream events -> the Responses event stream a client reads
 * (OpenAI API reference, "Streaming events": lifecycle, output item, content part, text,
 * reasoning summary and function-call argument events, each with a `sequence_number`).
 */
// Long file: one encoder follows the Responses event lifecycle (items, parts, deltas, done
// events) with state every step shares; split, that state would cross files.
import type { EncodeContext, StreamEncoder } from "../codec.ts";
import { sseFrame } from "../../wire/sse.ts";
import {
  type ClientToolShape,
  emptyUsage,
  mergeUsage,
  type StopReason,
  type StreamEvent,
  type Usage,
} from "../unified.ts";
import { failedCodeForKind } from "./errors.ts";
import { redactedCarrier, signatureCarrier } from "./reasoning_carrier.ts";
import { messageItem, outputText, toolCallItem } from "./response_encode.ts";
import { clientToolsByName, customToolInput } from "../tool_names.ts";
import { responseIdFor, responseObject, type ResponseObjectFields } from "./response_object.ts";
import { outcomeForStopReason } from "./stop_reason.ts";
import type { JsonObject } from "../json_guards.ts";
import { mintedId } from "./wire.ts";

export function createStreamEncoder(ctx: EncodeContext): StreamEncoder {
  return new ResponsesStreamEncoder(ctx);
}

interface OpenMessage {
  kind: "message";
  outputIndex: number;
  id: string;
  text: string;
}

interface OpenReasoning {
  kind: "reasoning";
  outputIndex: number;
  id: string;
  text: string;
  /** A summary part was announced (`reasoning_summary_part.added`) and must be closed. */
  partOpen: boolean;
  encrypted?: string;
}

interface OpenFunctionCall {
  kind: "function_call";
  outputIndex: number;
  id: string;
  callId: string;
  name: string;
  args: string;
  toolIndex: number;
  /** The client declared this tool as custom or inside a namespace. */
  shape?: ClientToolShape;
}

type OpenItem = OpenMessage | OpenReasoning | OpenFunctionCall;

class ResponsesStreamEncoder implements StreamEncoder {
  readonly contentType = "text/event-stream";
  #ctx: EncodeContext;
  #sequence = 0;
  #started = false;
  #closed = false;
  #id: string;
  #model: string;
  #created = 0;
  /** Every output item so far, in output order; the open one as it stands. */
  #output: JsonObject[] = [];
  #open: OpenItem | undefined;
  /**
   * Finished function_call items by tool index, with the argument text received so far, for
   * argument deltas that arrive late.
   */
  #doneCalls = new Map<number, { item: JsonObject; args: string; custom: boolean }>();
  #clientTools: Map<string, ClientToolShape>;
  #usage: Usage = emptyUsage();
  #stopReason: StopReason | undefined;

  constructor(ctx: EncodeContext) {
    this.#ctx = ctx;
    this.#id = responseIdFor("", ctx.requestId);
    this.#model = ctx.request.model;
    this.#clientTools = clientToolsByName(ctx.request.tools);
  }

  push(ev: StreamEvent): string {
    if (this.#closed) return "";
    let out = ev.type === "start" ? "" : this.#ensureStarted();
    switch (ev.type) {
      case "start":
        return this.#start(ev.id, ev.model, ev.created);
      case "text_delta": {
        if (ev.text === "") return out;
        const item = this.#openMessage();
        out += item.frames;
        item.open.text += ev.text;
        out += this.#frame("response.output_text.delta", {
          item_id: item.open.id,
          output_index: item.open.outputIndex,
          content_index: 0,
          delta: ev.text,
          logprobs: [],
        });
        return out;
      }
      case "reasoning_delta": {
        if (ev.text === "") return out;
        const item = this.#openReasoning(true);
        out += item.frames;
        item.open.text += ev.text;
        out += this.#frame("response.reasoning_summary_text.delta", {
          item_id: item.open.id,
          output_index: item.open.outputIndex,
          summary_index: 0,
          delta: ev.text,
        });
        return out;
      }
      case "reasoning_signature":
        return out + this.#attachEncrypted(signatureCarrier(ev.signature, ev.family));
      case "reasoning_encrypted":
        return out + this.#attachEncrypted(ev.encryptedContent, ev.id);
      case "reasoning_redacted":
        // Redacted thinking is a block of its own, never the continuation of visible reasoning.
        out += this.#close();
        return out + this.#attachEncrypted(redactedCarrier(ev.data));
      case "tool_call_start":
        // A Gemini call's signature travels in a reasoning item of its own just before the call.
        out += this.#close();
        if (ev.signature !== undefined) {
          out += this.#attachEncrypted(signatureCarrier(ev.signature, "gemini"));
        }
        return out + this.#openFunctionCall(ev.index, ev.id, ev.name);
      case "tool_call_delta":
        return out + this.#toolDelta(ev.index, ev.argumentsDelta);
      case "tool_call_end":
        if (this.#open?.kind === "function_call" && this.#open.toolIndex === ev.index) {
          out += this.#close();
        }
        return out;
      case "usage":
        this.#usage = mergeUsage(this.#usage, ev.usage);
        return out;
      case "finish":
        this.#stopReason = ev.stopReason;
        return out;
      case "error":
        this.#closed = true;
        return out + this.#frame("response.failed", {
          response: this.#response({
            status: "failed",
            error: { code: failedCodeForKind(ev.error.kind), message: ev.error.message },
          }),
        });
      default:
        // text_signature: Gemini text signatures have no place in a Responses stream.
        return out;
    }
  }

  end(): string {
    if (this.#closed) return "";
    this.#closed = true;
    let out = this.#ensureStarted() + this.#close(true);
    const stopReason = this.#stopReason ?? "end_turn";
    const outcome = outcomeForStopReason(stopReason);
    const eventType = outcome.status === "completed"
      ? "response.completed"
      : outcome.status === "incomplete"
      ? "response.incomplete"
      : "response.failed";
    const response = this.#response({
      status: outcome.status,
      incompleteReason: outcome.incompleteReason,
      usage: this.#usage,
      error: outcome.status === "failed"
        ? { code: "server_error", message: "the model failed to answer" }
        : undefined,
    });
    out += this.#frame(eventType, { response });
    if (outcome.status !== "failed") this.#ctx.responses?.onComplete?.(response);
    return out;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  #start(id: string, model: string, created: number): string {
    if (this.#started) return "";
    this.#started = true;
    this.#id = responseIdFor(id, this.#ctx.requestId);
    if (model !== "") this.#model = model;
    this.#created = created;
    const response = this.#response({ status: "in_progress" });
    return this.#frame("response.created", { response }) +
      this.#frame("response.in_progress", { response });
  }

  #ensureStarted(): string {
    return this.#started ? "" : this.#start("", "", Math.floor(Date.now() / 1000));
  }

  #response(fields: Omit<ResponseObjectFields, "id" | "createdAt" | "model" | "output">) {
    return responseObject(
      {
        id: this.#id,
        createdAt: this.#created,
        model: this.#model,
        output: [...this.#output],
        ...fields,
      },
      this.#ctx.request,
      this.#ctx.responses,
    );
  }

  #frame(type: string, payload: JsonObject): string {
    const event = { type, sequence_number: this.#sequence++, ...payload };
    return sseFrame(JSON.stringify(event), type);
  }

  // ---- opening items ------------------------------------------------------------------------

  #nextItemId(prefix: string): string {
    return mintedId(prefix, this.#ctx.requestId, this.#output.length);
  }

  #openMessage(): { open: OpenMessage; frames: string } {
    if (this.#open?.kind === "message") return { open: this.#open, frames: "" };
    let frames = this.#close();
    const open: OpenMessage = {
      kind: "message",
      outputIndex: this.#output.length,
      id: this.#nextItemId("msg"),
      text: "",
    };
    this.#open = open;
    const item = messageItem(open.id, [], "in_progress");
    this.#output.push(item);
    frames += this.#frame("response.output_item.added", { output_index: open.outputIndex, item });
    frames += this.#frame("response.content_part.added", {
      item_id: open.id,
      output_index: open.outputIndex,
      content_index: 0,
      part: outputText(""),
    });
    return { open, frames };
  }

  #openReasoning(withPart: boolean, id?: string): { open: OpenReasoning; frames: string } {
    let frames = "";
    if (this.#open?.kind !== "reasoning") {
      frames += this.#close();
      const open: OpenReasoning = {
        kind: "reasoning",
        outputIndex: this.#output.length,
        id: id ?? this.#nextItemId("rs"),
        text: "",
        partOpen: false,
      };
      this.#open = open;
      const item = { type: "reasoning", id: open.id, summary: [] };
      this.#output.push(item);
      frames += this.#frame("response.output_item.added", {
        output_index: open.outputIndex,
        item,
      });
    }
    const open = this.#open as OpenReasoning;
    if (withPart && !open.partOpen) {
      open.partOpen = true;
      frames += this.#frame("response.reasoning_summary_part.added", {
        item_id: open.id,
        output_index: open.outputIndex,
        summary_index: 0,
        part: { type: "summary_text", text: "" },
      });
    }
    return { open, frames };
  }

  /**
   * Encrypted content (or a carried signature) completes a reasoning item. The item keeps the
   * id it was announced with: OpenAI's SDK rejects an id that changes between added and done.
   */
  #attachEncrypted(encrypted: string, id?: string): string {
    const reusable = this.#open?.kind === "reasoning" && this.#open.encrypted === undefined;
    const { open, frames } = this.#openReasoning(false, reusable ? undefined : id);
    open.encrypted = encrypted;
    return frames + this.#close();
  }

  #openFunctionCall(toolIndex: number, callId: string, name: string): string {
    const shape = this.#clientTools.get(name);
    const open: OpenFunctionCall = {
      kind: "function_call",
      outputIndex: this.#output.length,
      id: this.#nextItemId(shape?.custom ? "ctc" : "fc"),
      callId,
      name,
      args: "",
      toolIndex,
      shape,
    };
    this.#open = open;
    const item = toolCallItem(open.id, callId, name, "", shape, "in_progress");
    this.#output.push(item);
    return this.#frame("response.output_item.added", { output_index: open.outputIndex, item });
  }

  #toolDelta(toolIndex: number, delta: string): string {
    const open = this.#open;
    if (open?.kind === "function_call" && open.toolIndex === toolIndex) {
      open.args += delta;
      // A custom call's input is the `input` string inside the JSON arguments: sent whole at
      // its end, as the arguments are only then known to parse.
      if (open.shape?.custom) return "";
      return this.#frame("response.function_call_arguments.delta", {
        item_id: open.id,
        output_index: open.outputIndex,
        delta,
      });
    }
    // A Responses item cannot reopen once done: a late delta of an earlier call (interleaved
    // parallel calls) still reaches the final response object.
    // A call closed before any argument showed `{}`; its late text replaces that placeholder.
    const done = this.#doneCalls.get(toolIndex);
    if (done) {
      done.args += delta;
      if (done.custom) done.item.input = customToolInput(done.args);
      else done.item.arguments = done.args;
    }
    return "";
  }

  // ---- closing items ------------------------------------------------------------------------

  /** Closes the open item; `final` is the close in `end()`, when the stop reason is known. */
  #close(final = false): string {
    const open = this.#open;
    if (!open) return "";
    this.#open = undefined;
    switch (open.kind) {
      case "message":
        return this.#closeMessage(open, final);
      case "reasoning":
        return this.#closeReasoning(open);
      case "function_call":
        return this.#closeFunctionCall(open);
    }
  }

  #closeMessage(open: OpenMessage, final: boolean): string {
    const cutShort = final && this.#stopReason !== undefined &&
      outcomeForStopReason(this.#stopReason).status === "incomplete";
    const base = { item_id: open.id, output_index: open.outputIndex, content_index: 0 };
    const item = messageItem(
      open.id,
      [outputText(open.text)],
      cutShort ? "incomplete" : "completed",
    );
    this.#output[open.outputIndex] = item;
    return this.#frame("response.output_text.done", { ...base, text: open.text, logprobs: [] }) +
      this.#frame("response.content_part.done", { ...base, part: outputText(open.text) }) +
      this.#frame("response.output_item.done", { output_index: open.outputIndex, item });
  }

  #closeReasoning(open: OpenReasoning): string {
    let frames = "";
    const part = { type: "summary_text", text: open.text };
    if (open.partOpen) {
      const base = { item_id: open.id, output_index: open.outputIndex, summary_index: 0 };
      frames += this.#frame("response.reasoning_summary_text.done", { ...base, text: open.text });
      frames += this.#frame("response.reasoning_summary_part.done", { ...base, part });
    }
    const item: JsonObject = {
      type: "reasoning",
      id: open.id,
      summary: open.text === "" ? [] : [part],
    };
    if (open.encrypted !== undefined) item.encrypted_content = open.encrypted;
    this.#output[open.outputIndex] = item;
    return frames +
      this.#frame("response.output_item.done", { output_index: open.outputIndex, item });
  }

  #closeFunctionCall(open: OpenFunctionCall): string {
    const args = open.args === "" ? "{}" : open.args;
    const item = toolCallItem(open.id, open.callId, open.name, args, open.shape);
    this.#output[open.outputIndex] = item;
    const custom = open.shape?.custom === true;
    this.#doneCalls.set(open.toolIndex, { item, args: open.args, custom });
    const base = { item_id: open.id, output_index: open.outputIndex };
    const frames = custom
      ? this.#frame("response.custom_tool_call_input.delta", { ...base, delta: item.input }) +
        this.#frame("response.custom_tool_call_input.done", { ...base, input: item.input })
      : this.#frame("response.function_call_arguments.done", { ...base, arguments: args });
    return frames +
      this.#frame("response.output_item.done", { output_index: open.outputIndex, item });
  }
}
