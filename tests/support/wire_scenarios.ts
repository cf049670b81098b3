/**
 * Hand-written wire bodies of the four provider APIs, built from one small scenario
 * description, so tests can script answers no recording covers (parallel tool calls, every stop
 * reason, cache writes). Shapes were checked against the recorded fixtures in
 * `tests/fixtures/recorded/` and the providers' API references named on each builder.
 * Independent of `src/` on purpose: this is the reference side.
 */
import type { WireApi } from "./fixtures.ts";

export type JsonObject = Record<string, unknown>;

/** Why generation ended, in words every API can express in its own way. */
export type ScenarioStop =
  | "end_turn"
  | "max_tokens"
  | "tool_use"
  | "stop_sequence"
  | "content_filter"
  | "refusal";

/**
 * Token counts with one meaning each: `input` counts every prompt token including cached ones,
 * `output` every generated token including reasoning.
 */
export interface ScenarioUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export interface ScenarioToolCall {
  id: string;
  name: string;
  /** The JSON arguments text, cut where the stream cuts it; joined they must parse. */
  argumentPieces: string[];
}

export interface Scenario {
  model: string;
  /** Base of every id in the answer (`chatcmpl-<id>`, `msg_<id>`, `resp_<id>`, …). */
  id: string;
  created?: number;
  reasoning?: { pieces: string[]; signature: string };
  text?: string[];
  toolCalls?: ScenarioToolCall[];
  stop: ScenarioStop;
  stopSequence?: string;
  usage: ScenarioUsage;
}

const DEFAULT_CREATED = 1_760_000_000;

/** Cut a text into about `count` pieces at word starts, so joined pieces equal the text. */
export function splitIntoPieces(text: string, count: number): string[] {
  const words = text.match(/\s*\S+/g) ?? [text];
  const size = Math.max(1, Math.ceil(words.length / Math.max(1, count)));
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += size) pieces.push(words.slice(i, i + size).join(""));
  return pieces.length > 0 ? pieces : [""];
}

/** The canned answer the fake gives when nothing is scripted: "Hello from <api> fake". */
export function defaultScenario(api: WireApi, model: string, id: string): Scenario {
  const text = `Hello from ${api} fake`;
  return {
    model,
    id,
    text: splitIntoPieces(text, 4),
    stop: "end_turn",
    usage: { input: 12, output: 5 },
  };
}

function joined(pieces: readonly string[] | undefined): string {
  return (pieces ?? []).join("");
}

function parsedArguments(call: ScenarioToolCall): unknown {
  const text = joined(call.argumentPieces);
  return text === "" ? {} : JSON.parse(text);
}

function uncachedInput(usage: ScenarioUsage): number {
  return usage.input - (usage.cacheRead ?? 0) - (usage.cacheWrite ?? 0);
}

// ---------------------------------------------------------------------------------------------
// OpenAI chat completions
// ---------------------------------------------------------------------------------------------

/** OpenAI API reference, "The chat completion object" `finish_reason`. */
function chatFinishReason(stop: ScenarioStop): string {
  switch (stop) {
    case "max_tokens":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    default:
      return "stop";
  }
}

/** OpenAI API reference, "The chat completion object" `usage` (cached and reasoning details). */
function chatUsage(usage: ScenarioUsage): JsonObject {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cacheRead ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/**
 * OpenAI API reference, "The chat completion object". Reasoning goes in DeepSeek's
 * `reasoning_content`, the field OpenAI-compatible reasoning providers use.
 */
export function chatJson(s: Scenario): JsonObject {
  const refusal = s.stop === "refusal";
  const text = joined(s.text);
  const message: JsonObject = {
    role: "assistant",
    content: refusal || (text === "" && (s.toolCalls?.length ?? 0) > 0) ? null : text,
    refusal: refusal ? text : null,
    annotations: [],
  };
  if (s.reasoning) message.reasoning_content = joined(s.reasoning.pieces);
  if (s.toolCalls && s.toolCalls.length > 0) {
    message.tool_calls = s.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: joined(call.argumentPieces) },
    }));
  }
  return {
    id: `chatcmpl-${s.id}`,
    object: "chat.completion",
    created: s.created ?? DEFAULT_CREATED,
    model: s.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: chatFinishReason(s.stop) }],
    usage: chatUsage(s.usage),
    service_tier: "default",
    system_fingerprint: "fp_fake",
  };
}

/**
 * OpenAI API reference, "The chat completion chunk object": a role chunk, content deltas, tool
 * call deltas keyed by `index` (id and name only in the first), a finish chunk with an empty
 * delta, and with `stream_options.include_usage` a last chunk with `choices: []` and the usage
 * (every earlier chunk then carries `usage: null`).
 */
export function chatStreamEvents(s: Scenario, includeUsage: boolean): JsonObject[] {
  const chunk = (delta: JsonObject, finish: string | null = null): JsonObject => {
    const out: JsonObject = {
      id: `chatcmpl-${s.id}`,
      object: "chat.completion.chunk",
      created: s.created ?? DEFAULT_CREATED,
      model: s.model,
      service_tier: "default",
      system_fingerprint: "fp_fake",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (includeUsage) out.usage = null;
    return out;
  };
  const events: JsonObject[] = [];
  const first: JsonObject = s.reasoning
    ? { role: "assistant", content: null, reasoning_content: "" }
    : { role: "assistant", content: "", refusal: null };
  events.push(chunk(first));
  for (const piece of s.reasoning?.pieces ?? []) {
    events.push(chunk({ content: null, reasoning_content: piece }));
  }
  const textField = s.stop === "refusal" ? "refusal" : "content";
  for (const piece of s.text ?? []) events.push(chunk({ [textField]: piece }));
  (s.toolCalls ?? []).forEach((call, index) => {
    events.push(chunk({
      tool_calls: [{
        index,
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: "" },
      }],
    }));
    for (const piece of call.argumentPieces) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  events.push(chunk({}, chatFinishReason(s.stop)));
  if (includeUsage) {
    events.push({
      id: `chatcmpl-${s.id}`,
      object: "chat.completion.chunk",
      created: s.created ?? DEFAULT_CREATED,
      model: s.model,
      service_tier: "default",
      system_fingerprint: "fp_fake",
      choices: [],
      usage: chatUsage(s.usage),
    });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// Anthropic messages
// ---------------------------------------------------------------------------------------------

/** Anthropic API reference, Messages, `stop_reason`. */
function messagesStopReason(stop: ScenarioStop): string {
  return stop === "content_filter" ? "refusal" : stop;
}

/** Anthropic API reference, Messages, `usage`: `input_tokens` excludes both cache counts. */
function messagesUsage(usage: ScenarioUsage, outputTokens: number): JsonObject {
  return {
    input_tokens: uncachedInput(usage),
    cache_creation_input_tokens: usage.cacheWrite ?? 0,
    cache_read_input_tokens: usage.cacheRead ?? 0,
    output_tokens: outputTokens,
  };
}

function messagesContent(s: Scenario): JsonObject[] {
  const blocks: JsonObject[] = [];
  if (s.reasoning) {
    blocks.push({
      type: "thinking",
      thinking: joined(s.reasoning.pieces),
      signature: s.reasoning.signature,
    });
  }
  if (s.text && s.text.length > 0) blocks.push({ type: "text", text: joined(s.text) });
  for (const call of s.toolCalls ?? []) {
    blocks.push({ type: "tool_use", id: call.id, name: call.name, input: parsedArguments(call) });
  }
  return blocks;
}

/** Anthropic API reference, "Messages" response body. */
export function messagesJson(s: Scenario): JsonObject {
  return {
    model: s.model,
    id: `msg_${s.id}`,
    type: "message",
    role: "assistant",
    content: messagesContent(s),
    stop_reason: messagesStopReason(s.stop),
    stop_sequence: s.stop === "stop_sequence" ? (s.stopSequence ?? "") : null,
    usage: { ...messagesUsage(s.usage, s.usage.output), service_tier: "standard" },
  };
}

/**
 * Anthropic docs, "Streaming Messages": `message_start` (usage with the input counts and a
 * first output count), per block `content_block_start` / `content_block_delta`* /
 * `content_block_stop` (a `ping` after the first start, as recorded), `message_delta` with the
 * stop reason and cumulative usage, `message_stop`.
 */
export function messagesStreamEvents(s: Scenario): JsonObject[] {
  const events: JsonObject[] = [{
    type: "message_start",
    message: {
      model: s.model,
      id: `msg_${s.id}`,
      type: "message",
      role: "assistant",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...messagesUsage(s.usage, Math.min(1, s.usage.output)), service_tier: "standard" },
    },
  }];
  let index = 0;
  const block = (start: JsonObject, deltas: JsonObject[]): void => {
    events.push({ type: "content_block_start", index, content_block: start });
    if (index === 0) events.push({ type: "ping" });
    for (const delta of deltas) events.push({ type: "content_block_delta", index, delta });
    events.push({ type: "content_block_stop", index });
    index++;
  };
  if (s.reasoning) {
    block(
      { type: "thinking", thinking: "", signature: "" },
      [
        ...s.reasoning.pieces.map((thinking) => ({ type: "thinking_delta", thinking })),
        { type: "signature_delta", signature: s.reasoning.signature },
      ],
    );
  }
  if (s.text && s.text.length > 0) {
    block({ type: "text", text: "" }, s.text.map((text) => ({ type: "text_delta", text })));
  }
  for (const call of s.toolCalls ?? []) {
    const pieces = call.argumentPieces.length > 0 ? call.argumentPieces : [""];
    block(
      { type: "tool_use", id: call.id, name: call.name, input: {} },
      pieces.map((partial_json) => ({ type: "input_json_delta", partial_json })),
    );
  }
  events.push({
    type: "message_delta",
    delta: {
      stop_reason: messagesStopReason(s.stop),
      stop_sequence: s.stop === "stop_sequence" ? (s.stopSequence ?? "") : null,
    },
    usage: messagesUsage(s.usage, s.usage.output),
  });
  events.push({ type: "message_stop" });
  return events;
}

// ---------------------------------------------------------------------------------------------
// OpenAI Responses
// ---------------------------------------------------------------------------------------------

/** OpenAI API reference, "The response object" `usage`. */
function responsesUsage(usage: ScenarioUsage): JsonObject {
  return {
    input_tokens: usage.input,
    input_tokens_details: { cached_tokens: usage.cacheRead ?? 0 },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: usage.reasoning ?? 0 },
    total_tokens: usage.input + usage.output,
  };
}

/** OpenAI API reference, "The response object" `status` and `incomplete_details.reason`. */
function responsesIncompleteReason(stop: ScenarioStop): string | null {
  if (stop === "max_tokens") return "max_output_tokens";
  if (stop === "content_filter") return "content_filter";
  return null;
}

const reasoningItemId = (s: Scenario): string => `rs_${s.id}`;
const messageItemId = (s: Scenario): string => `msg_${s.id}`;
const functionItemId = (s: Scenario, i: number): string => `fc_${s.id}_${i}`;

function responsesTextPart(s: Scenario, text: string): JsonObject {
  return s.stop === "refusal"
    ? { type: "refusal", refusal: text }
    : { type: "output_text", annotations: [], logprobs: [], text };
}

/** The finished output items, in order: reasoning, message, function calls. */
function responsesOutput(s: Scenario): JsonObject[] {
  const items: JsonObject[] = [];
  const incomplete = responsesIncompleteReason(s.stop) !== null;
  if (s.reasoning) {
    items.push({
      id: reasoningItemId(s),
      type: "reasoning",
      summary: [{ type: "summary_text", text: joined(s.reasoning.pieces) }],
      encrypted_content: s.reasoning.signature,
    });
  }
  if (s.text && s.text.length > 0) {
    items.push({
      id: messageItemId(s),
      type: "message",
      status: incomplete ? "incomplete" : "completed",
      content: [responsesTextPart(s, joined(s.text))],
      role: "assistant",
    });
  }
  (s.toolCalls ?? []).forEach((call, i) => {
    items.push({
      id: functionItemId(s, i),
      type: "function_call",
      status: "completed",
      arguments: joined(call.argumentPieces),
      call_id: call.id,
      name: call.name,
    });
  });
  return items;
}

function responsesObject(s: Scenario, finished: boolean): JsonObject {
  const reason = responsesIncompleteReason(s.stop);
  const status = !finished ? "in_progress" : reason === null ? "completed" : "incomplete";
  const created = s.created ?? DEFAULT_CREATED;
  return {
    id: `resp_${s.id}`,
    object: "response",
    created_at: created,
    status,
    background: false,
    completed_at: status === "completed" ? created + 1 : null,
    error: null,
    incomplete_details: finished && reason !== null ? { reason } : null,
    instructions: null,
    max_output_tokens: null,
    model: s.model,
    output: finished ? responsesOutput(s) : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: s.reasoning ? "medium" : null, summary: s.reasoning ? "auto" : null },
    store: false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: finished ? responsesUsage(s.usage) : null,
    user: null,
    metadata: {},
  };
}

/** OpenAI API reference, "The response object". */
export function responsesJson(s: Scenario): JsonObject {
  return responsesObject(s, true);
}

/**
 * OpenAI API reference, "Streaming events": `response.created`, `response.in_progress`, per
 * output item `response.output_item.added` … `response.output_item.done`, then
 * `response.completed` (or `response.incomplete`) with the whole response; every event numbered
 * by `sequence_number` from 0.
 */
export function responsesStreamEvents(s: Scenario): JsonObject[] {
  const events: JsonObject[] = [];
  const push = (event: JsonObject): void => {
    events.push({ ...event, sequence_number: events.length });
  };
  push({ type: "response.created", response: responsesObject(s, false) });
  push({ type: "response.in_progress", response: responsesObject(s, false) });
  const finalItems = responsesOutput(s);
  let outputIndex = 0;
  if (s.reasoning) {
    const item_id = reasoningItemId(s);
    const text = joined(s.reasoning.pieces);
    const output_index = outputIndex;
    push({
      type: "response.output_item.added",
      item: { id: item_id, type: "reasoning", summary: [] },
      output_index,
    });
    const part = { type: "summary_text", text: "" };
    push({
      type: "response.reasoning_summary_part.added",
      item_id,
      output_index,
      part,
      summary_index: 0,
    });
    for (const delta of s.reasoning.pieces) {
      push({
        type: "response.reasoning_summary_text.delta",
        delta,
        item_id,
        output_index,
        summary_index: 0,
      });
    }
    push({
      type: "response.reasoning_summary_text.done",
      item_id,
      output_index,
      summary_index: 0,
      text,
    });
    push({
      type: "response.reasoning_summary_part.done",
      item_id,
      output_index,
      part: { type: "summary_text", text },
      summary_index: 0,
    });
    push({ type: "response.output_item.done", item: finalItems[outputIndex], output_index });
    outputIndex++;
  }
  if (s.text && s.text.length > 0) {
    const item_id = messageItemId(s);
    const output_index = outputIndex;
    const refusal = s.stop === "refusal";
    const text = joined(s.text);
    push({
      type: "response.output_item.added",
      item: { id: item_id, type: "message", status: "in_progress", content: [], role: "assistant" },
      output_index,
    });
    const common = { item_id, output_index, content_index: 0 };
    push({ type: "response.content_part.added", ...common, part: responsesTextPart(s, "") });
    for (const delta of s.text) {
      push(
        refusal
          ? { type: "response.refusal.delta", ...common, delta }
          : { type: "response.output_text.delta", ...common, delta, logprobs: [] },
      );
    }
    push(
      refusal
        ? { type: "response.refusal.done", ...common, refusal: text }
        : { type: "response.output_text.done", ...common, text, logprobs: [] },
    );
    push({ type: "response.content_part.done", ...common, part: responsesTextPart(s, text) });
    push({ type: "response.output_item.done", item: finalItems[outputIndex], output_index });
    outputIndex++;
  }
  (s.toolCalls ?? []).forEach((call, i) => {
    const item_id = functionItemId(s, i);
    const output_index = outputIndex;
    push({
      type: "response.output_item.added",
      item: {
        id: item_id,
        type: "function_call",
        status: "in_progress",
        arguments: "",
        call_id: call.id,
        name: call.name,
      },
      output_index,
    });
    for (const delta of call.argumentPieces) {
      push({ type: "response.function_call_arguments.delta", delta, item_id, output_index });
    }
    push({
      type: "response.function_call_arguments.done",
      arguments: joined(call.argumentPieces),
      item_id,
      output_index,
    });
    push({ type: "response.output_item.done", item: finalItems[outputIndex], output_index });
    outputIndex++;
  });
  const done = responsesObject(s, true);
  push({
    type: done.status === "completed" ? "response.completed" : "response.incomplete",
    response: done,
  });
  return events;
}

// ---------------------------------------------------------------------------------------------
// Gemini
// ---------------------------------------------------------------------------------------------

/** Gemini API reference, `Candidate.FinishReason` (function calls also end with `STOP`). */
function geminiFinishReason(stop: ScenarioStop): string {
  if (stop === "max_tokens") return "MAX_TOKENS";
  if (stop === "content_filter" || stop === "refusal") return "SAFETY";
  return "STOP";
}

/**
 * Gemini API reference, `UsageMetadata`: `promptTokenCount` includes cached content,
 * `candidatesTokenCount` excludes thoughts, the total adds thoughts.
 */
function geminiUsage(usage: ScenarioUsage): JsonObject {
  const thoughts = usage.reasoning ?? 0;
  const candidates = usage.output - thoughts;
  const out: JsonObject = {
    promptTokenCount: usage.input,
    candidatesTokenCount: candidates,
    totalTokenCount: usage.input + candidates + thoughts,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: usage.input }],
  };
  if (usage.cacheRead) out.cachedContentTokenCount = usage.cacheRead;
  if (thoughts > 0) out.thoughtsTokenCount = thoughts;
  return out;
}

/** Parts of the answer; the thought signature rides on the first part after the thoughts. */
function geminiAnswerParts(s: Scenario, textPieces: readonly string[]): JsonObject[] {
  const parts: JsonObject[] = [];
  for (const text of textPieces) parts.push({ text });
  for (const call of s.toolCalls ?? []) {
    parts.push({ functionCall: { name: call.name, args: parsedArguments(call) } });
  }
  return parts;
}

function withSignature(parts: JsonObject[], signature: string | undefined): JsonObject[] {
  if (signature === undefined || parts.length === 0) return parts;
  const target = parts.findIndex((part) => "functionCall" in part);
  const at = target === -1 ? 0 : target;
  return parts.map((part, i) => (i === at ? { ...part, thoughtSignature: signature } : part));
}

function geminiChunk(s: Scenario, parts: JsonObject[], last: boolean): JsonObject {
  const candidate: JsonObject = { content: { parts, role: "model" }, index: 0 };
  if (last) candidate.finishReason = geminiFinishReason(s.stop);
  return {
    candidates: [candidate],
    usageMetadata: last ? geminiUsage(s.usage) : {
      promptTokenCount: s.usage.input,
      totalTokenCount: s.usage.input,
    },
    modelVersion: s.model,
    responseId: s.id,
  };
}

/** Gemini API reference, `GenerateContentResponse`. */
export function geminiJson(s: Scenario): JsonObject {
  const thoughts: JsonObject[] = s.reasoning
    ? [{ text: joined(s.reasoning.pieces), thought: true }]
    : [];
  const text = joined(s.text);
  const answer = withSignature(
    geminiAnswerParts(s, text === "" ? [] : [text]),
    s.reasoning?.signature,
  );
  return geminiChunk(s, [...thoughts, ...answer], true);
}

/**
 * Gemini API reference, `models.streamGenerateContent`: each chunk is a whole
 * `GenerateContentResponse`; thoughts arrive as `thought: true` parts, function calls whole (never
 * in pieces, all parallel calls in one chunk), and the last chunk carries `finishReason` and the
 * final `usageMetadata`.
 */
export function geminiStreamChunks(s: Scenario): JsonObject[] {
  const groups: JsonObject[][] = [];
  for (const text of s.reasoning?.pieces ?? []) groups.push([{ text, thought: true }]);
  for (const text of s.text ?? []) groups.push([{ text }]);
  const calls = geminiAnswerParts(s, []);
  if (calls.length > 0) groups.push(calls);
  if (groups.length === 0) groups.push([{ text: "" }]);
  const firstAnswer = groups.findIndex((parts) => parts.every((part) => part.thought !== true));
  const signature = s.reasoning?.signature;
  if (signature !== undefined) {
    if (firstAnswer === -1) groups.push([{ text: "", thoughtSignature: signature }]);
    else groups[firstAnswer] = withSignature(groups[firstAnswer], signature);
  }
  return groups.map((parts, i) => geminiChunk(s, parts, i === groups.length - 1));
}

// ---------------------------------------------------------------------------------------------
// Dispatch and errors
// ---------------------------------------------------------------------------------------------

export interface StreamOptions {
  /** Chat only: the request asked `stream_options.include_usage`. */
  includeUsage?: boolean;
}

/** The wire events (chat chunks, Anthropic/Responses events, Gemini chunks) of a streamed answer. */
export function streamEvents(api: WireApi, s: Scenario, options: StreamOptions = {}): JsonObject[] {
  switch (api) {
    case "chat":
      return chatStreamEvents(s, options.includeUsage ?? false);
    case "messages":
      return messagesStreamEvents(s);
    case "responses":
      return responsesStreamEvents(s);
    case "gemini":
      return geminiStreamChunks(s);
  }
}

/** The body of a non-streamed answer. */
export function jsonBody(api: WireApi, s: Scenario): JsonObject {
  switch (api) {
    case "chat":
      return chatJson(s);
    case "messages":
      return messagesJson(s);
    case "responses":
      return responsesJson(s);
    case "gemini":
      return geminiJson(s);
  }
}

/** Anthropic docs, "Errors": HTTP status → `error.type`. */
const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/** Google APIs error model ("Errors" in the Gemini docs): HTTP status → `error.status`. */
const GEMINI_ERROR_STATUSES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** OpenAI docs, "Error codes": HTTP status → `error.type` / `error.code`. */
function openAiError(status: number, message: string): JsonObject {
  if (status === 401) {
    return { message, type: "invalid_request_error", param: null, code: "invalid_api_key" };
  }
  if (status === 429) {
    return { message, type: "requests", param: null, code: "rate_limit_exceeded" };
  }
  if (status >= 500) return { message, type: "server_error", param: null, code: null };
  return { message, type: "invalid_request_error", param: null, code: null };
}

/** An error body in the API's own format, for an HTTP error with `status`. */
export function errorBody(api: WireApi, status: number, message?: string): JsonObject {
  const text = message ?? `fake upstream error ${status}`;
  switch (api) {
    case "chat":
    case "responses":
      return { error: openAiError(status, text) };
    case "messages":
      return {
        type: "error",
        error: { type: ANTHROPIC_ERROR_TYPES[status] ?? "api_error", message: text },
        request_id: "req_fake",
      };
    case "gemini":
      return {
        error: { code: status, message: text, status: GEMINI_ERROR_STATUSES[status] ?? "UNKNOWN" },
      };
  }
}

/**
 * An error that arrives inside a stream that already answered 200 (Anthropic docs "Streaming
 * Messages", error events; OpenAI Responses `error` event). Chat and Gemini have no error event
 * of their own: they send the error body as a data line, which is what providers do.
 */
export function streamErrorEvent(api: WireApi, status = 529, message?: string): JsonObject {
  const body = errorBody(api, status, message);
  if (api === "responses") {
    // As recorded in `responses/openai-error.1.chunks.txt`; the caller adds `sequence_number`.
    return { type: "error", error: body.error };
  }
  return body;
}
