/**
 * What a recorded provider answer says, read straight off the recording (not through Plexus's
 * codecs), so replay tests can compare what a client got with what the provider really sent.
 */
import { isRecord, readFixtureJson, readFixtureLines, type WireApi } from "../support/fixtures.ts";

export interface Expectation {
  /** Visible answer text (no reasoning). */
  text: string;
  /**
   * Responses streams only: the text of the final `response.completed` object. The official SDK
   * reads a same-API stream's answer from it, and one recording's deltas differ from it.
   */
  finalText?: string;
  /** Tool names in order of appearance. */
  toolNames: string[];
  /** Reasoning text joined. */
  reasoning: string;
  /** The HTTP status the provider answered with (error recordings). */
  errorStatus?: number;
  /** The stream carried an error event, or ended the response as failed. */
  streamError: boolean;
}

type Json = Record<string, unknown>;

const rec = (v: unknown): Json => (isRecord(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export function expectationFor(api: WireApi, file: string): Expectation {
  const e: Expectation = { text: "", toolNames: [], reasoning: "", streamError: false };
  if (file.endsWith(".json")) {
    const body = rec(readFixtureJson(file));
    if (body.error !== undefined && body.error !== null) {
      e.errorStatus = 0;
      return e;
    }
    readWhole(api, body, e);
    return e;
  }
  for (const line of readFixtureLines(file)) readChunk(api, rec(JSON.parse(line)), e);
  return e;
}

function readWhole(api: WireApi, body: Json, e: Expectation): void {
  switch (api) {
    case "chat": {
      const message = rec(rec(arr(body.choices)[0]).message);
      e.text = str(message.content);
      e.reasoning = str(message.reasoning_content);
      for (const call of arr(message.tool_calls)) {
        e.toolNames.push(str(rec(rec(call).function).name));
      }
      return;
    }
    case "messages":
      for (const block of arr(body.content).map(rec)) {
        if (block.type === "text") e.text += str(block.text);
        if (block.type === "thinking") e.reasoning += str(block.thinking);
        if (block.type === "tool_use") e.toolNames.push(str(block.name));
      }
      return;
    case "responses":
      for (const item of arr(body.output).map(rec)) readResponsesItem(item, e);
      return;
    case "gemini":
      readGeminiChunk(body, e);
      return;
  }
}

function readResponsesItem(item: Json, e: Expectation): void {
  if (item.type === "message") {
    for (const part of arr(item.content).map(rec)) {
      if (part.type === "output_text") e.text += str(part.text);
    }
  }
  if (item.type === "function_call") e.toolNames.push(str(item.name));
  if (item.type === "reasoning") {
    e.reasoning += arr(item.summary).map((s) => str(rec(s).text)).join("");
  }
}

function readGeminiChunk(chunk: Json, e: Expectation): void {
  for (const part of arr(rec(rec(arr(chunk.candidates)[0]).content).parts).map(rec)) {
    if (part.thought === true) e.reasoning += str(part.text);
    else if (typeof part.text === "string") e.text += part.text;
    if (isRecord(part.functionCall)) e.toolNames.push(str(part.functionCall.name));
  }
}

function readChunk(api: WireApi, chunk: Json, e: Expectation): void {
  switch (api) {
    case "chat": {
      if (chunk.error !== undefined) e.streamError = true;
      const delta = rec(rec(arr(chunk.choices)[0]).delta);
      e.text += str(delta.content);
      e.reasoning += str(delta.reasoning_content) || str(delta.reasoning);
      for (const call of arr(delta.tool_calls)) {
        const name = str(rec(rec(call).function).name);
        if (name !== "") e.toolNames.push(name);
      }
      return;
    }
    case "messages": {
      if (chunk.type === "error") e.streamError = true;
      if (chunk.type === "content_block_start") {
        const block = rec(chunk.content_block);
        if (block.type === "tool_use") e.toolNames.push(str(block.name));
      }
      if (chunk.type === "content_block_delta") {
        const delta = rec(chunk.delta);
        if (delta.type === "text_delta") e.text += str(delta.text);
        if (delta.type === "thinking_delta") e.reasoning += str(delta.thinking);
      }
      return;
    }
    case "responses": {
      if (chunk.type === "error" || chunk.type === "response.failed") e.streamError = true;
      if (chunk.type === "response.output_text.delta") e.text += str(chunk.delta);
      if (chunk.type === "response.completed") {
        const final: Expectation = { text: "", toolNames: [], reasoning: "", streamError: false };
        for (const item of arr(rec(chunk.response).output).map(rec)) readResponsesItem(item, final);
        e.finalText = final.text;
      }
      if (chunk.type === "response.reasoning_summary_text.delta") e.reasoning += str(chunk.delta);
      if (chunk.type === "response.output_item.added") {
        const item = rec(chunk.item);
        if (item.type === "function_call") e.toolNames.push(str(item.name));
      }
      return;
    }
    case "gemini":
      readGeminiChunk(chunk, e);
      return;
  }
}
