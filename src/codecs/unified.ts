/**
 * The provider-neutral model every codec converts to and from.
 *
 * Every field a wire API can carry is named here once. A codec that cannot express a field
 * drops it in its request or response encoder (`request_encode.ts`, `response_encode.ts`) and
 * says so in a comment there. The names of the APIs are the keys of `registry.ts`.
 */

// ---------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------

export interface TextPart {
  type: "text";
  text: string;
  /** Gemini `thoughtSignature` attached to a text part; returned unchanged on the next turn. */
  signature?: string;
}

export type ImageSource =
  | { kind: "url"; url: string }
  | { kind: "base64"; mediaType: string; data: string };

export interface ImagePart {
  type: "image";
  source: ImageSource;
  /** OpenAI `image_url.detail`; other APIs ignore it. */
  detail?: "auto" | "low" | "high";
}

export interface ToolCallPart {
  type: "tool_call";
  /**
   * Stable id. Codecs whose API has no ids mint one: Gemini `call_<responseId>_<n>`
   * (`gemini/stream_decode.ts`, `gemini/request_decode.ts`).
   */
  id: string;
  name: string;
  /** The arguments as a JSON text (OpenAI style). `"{}"` when the call has none. */
  arguments: string;
  /** Gemini `thoughtSignature` carried by a function call part. */
  signature?: string;
}

export interface ToolResultPart {
  type: "tool_result";
  toolCallId: string;
  /** The called tool's name when the source API says it (Gemini needs it on the way out). */
  name?: string;
  /** Text, or text and image parts. */
  content: string | Array<TextPart | ImagePart>;
  isError?: boolean;
}

export interface ReasoningPart {
  type: "reasoning";
  /** The visible thinking text or summary. May be empty when only a signature/encrypted blob exists. */
  text: string;
  /** Anthropic thinking `signature`, Gemini `thoughtSignature`. Must come back unchanged. */
  signature?: string;
  /**
   * Which provider family made `signature`: only that family accepts it back, every other one
   * rejects the request, so encoders leave out signatures of another family.
   */
  family?: SignatureFamily;
  /** Anthropic `redacted_thinking.data`; opaque. */
  redactedData?: string;
  /** OpenAI Responses reasoning item: its id and `encrypted_content`. */
  id?: string;
  encryptedContent?: string;
}

/** The provider families whose reasoning signatures are opaque to one another. */
export type SignatureFamily = "anthropic" | "gemini";

export type ContentPart = TextPart | ImagePart | ToolCallPart | ToolResultPart | ReasoningPart;

/**
 * A conversation turn. Tool results live in `user` turns (as Anthropic and Gemini do); the chat
 * codec turns them into `tool` messages and back.
 */
export interface UnifiedMessage {
  role: "user" | "assistant";
  content: ContentPart[];
}

// ---------------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------------

export interface UnifiedTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
  /**
   * The client's own shape of this tool when it was not a plain function (Responses `custom`
   * and `namespace` tools). Providers see a plain function named `name`; the client's codec
   * uses this to give calls back in the client's shape (see `src/codecs/tool_names.ts`).
   */
  client?: ClientToolShape;
}

export interface ClientToolShape {
  /** The tool's name as the client wrote it (inside its namespace, if any). */
  name: string;
  /** The Responses `namespace` the tool belongs to. */
  namespace?: string;
  /** A free-form (`custom`) tool: one string `input` parameter instead of JSON arguments. */
  custom?: boolean;
}

/**
 * A tool the provider runs itself (OpenAI hosted tools, Anthropic server tools, Gemini built-in
 * tools). `kind` is what can travel to another API; `other` tools stay with their own API.
 */
export type HostedToolKind = "web_search" | "code_execution" | "other";

export interface HostedTool {
  kind: HostedToolKind;
  /** The tool's type as the client wrote it (`web_search`, `web_search_20250305`, `googleSearch`). */
  wireType: string;
  /** Web search: only results from these domains. */
  allowedDomains?: string[];
  /** Web search: never results from these domains. */
  blockedDomains?: string[];
  /** Anthropic `max_uses`. */
  maxUses?: number;
}

export type ToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "tool"; name: string };

export type ReasoningEffort = "minimal" | "low" | "medium" | "high";

export interface ReasoningConfig {
  /** false: the client explicitly asked for no reasoning. */
  enabled: boolean;
  effort?: ReasoningEffort;
  /** Anthropic `thinking.budget_tokens`, Gemini `thinkingBudget`. */
  budgetTokens?: number;
}

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
    type: "json_schema";
    name: string;
    schema: Record<string, unknown>;
    strict?: boolean;
    description?: string;
  };

export interface UnifiedRequest {
  /** The model as the client asked for it (an alias or `provider/model`). */
  model: string;
  /** System / developer instructions, joined in order. */
  system?: string;
  messages: UnifiedMessage[];
  tools?: UnifiedTool[];
  /** Tools the provider runs itself; see `src/codecs/hosted_tools.ts` for what maps where. */
  hostedTools?: HostedTool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  reasoning?: ReasoningConfig;
  responseFormat?: ResponseFormat;
  /** End-user id: OpenAI `user`, Anthropic `metadata.user_id`. */
  user?: string;
  metadata?: Record<string, string>;
  stream: boolean;
  /** Chat `stream_options.include_usage`: the client wants a final usage chunk. */
  includeUsage?: boolean;
  /**
   * State only the provider that keeps it can supply (a Responses `previous_response_id`,
   * `item_reference` or `conversation` Plexus did not keep): such a request can only go to a
   * Responses provider as it is.
   */
  providerState?: { kind: "previous_response" | "item" | "conversation"; id: string };
}

// ---------------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------------

export type StopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "content_filter"
  | "refusal"
  | "pause_turn"
  | "error";

/**
 * Token counts with one meaning whatever the provider:
 * `inputTokens` is the whole prompt, cache reads and writes included (OpenAI `prompt_tokens`,
 * Gemini `promptTokenCount`; Anthropic `input_tokens + cache_read + cache_creation`).
 * `outputTokens` includes `reasoningTokens`.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export function emptyUsage(): Usage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

/**
 * `update`'s defined fields over `current` (or over zeros): streams report usage in pieces and
 * send cumulative counts, so a later report of a field replaces the earlier one.
 */
export function mergeUsage(current: Usage | undefined, update: Partial<Usage>): Usage {
  const merged = current === undefined ? emptyUsage() : { ...current };
  for (const key of Object.keys(update) as Array<keyof Usage>) {
    const value = update[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** Input tokens that were neither read from nor written to a cache. */
export function uncachedInputTokens(usage: Usage): number {
  return Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
}

export interface UnifiedResponse {
  id: string;
  /** The model that answered, as the upstream named it. */
  model: string;
  /** Reasoning, text and tool calls in the order the model produced them. */
  content: Array<TextPart | ToolCallPart | ReasoningPart>;
  stopReason: StopReason;
  /** The stop sequence that matched, when `stopReason` is `stop_sequence` and the API says. */
  stopSequence?: string;
  usage: Usage;
  /** Unix seconds. */
  created: number;
}

// ---------------------------------------------------------------------------------------------
// Stream events
// ---------------------------------------------------------------------------------------------

/**
 * One stream, as small flat events. Decoders emit them incrementally; encoders turn them into
 * the client's SSE frames. Order: `start`, then any mix of content events, `usage` events at any
 * time (later ones override earlier non-zero fields), one `finish`, then the stream ends.
 *
 * Content events carry no block index: an encoder opens a new block when the kind of content
 * changes or a new tool call starts. Tool calls are numbered 0, 1, 2... in order of appearance
 * (`index`), which chat clients need to join argument deltas.
 */
export type StreamEvent =
  | { type: "start"; id: string; model: string; created: number }
  | { type: "text_delta"; text: string }
  | { type: "text_signature"; signature: string }
  | { type: "reasoning_delta"; text: string }
  | { type: "reasoning_signature"; signature: string; family?: SignatureFamily }
  | { type: "reasoning_redacted"; data: string }
  | { type: "reasoning_encrypted"; id?: string; encryptedContent: string }
  | { type: "tool_call_start"; index: number; id: string; name: string; signature?: string }
  | { type: "tool_call_delta"; index: number; argumentsDelta: string }
  | { type: "tool_call_end"; index: number }
  | { type: "usage"; usage: Partial<Usage> }
  | { type: "finish"; stopReason: StopReason; stopSequence?: string }
  | { type: "error"; error: { kind: ErrorKind; message: string; status: number } };

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** What went wrong, independent of any dialect. Each codec renders it in its own words. */
export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "request_too_large"
  | "rate_limit"
  | "api_error"
  | "overloaded"
  | "timeout"
  | "bad_gateway"
  | "unavailable";

export const DEFAULT_STATUS: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  request_too_large: 413,
  rate_limit: 429,
  api_error: 500,
  overloaded: 529,
  timeout: 504,
  bad_gateway: 502,
  unavailable: 503,
};

/** An error that reaches the client as a status and a dialect-specific body. */
export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  /** The request field at fault, when known (OpenAI `param`). */
  readonly param?: string;
  /** Seconds, for a `retry-after` header. */
  readonly retryAfter?: number;
  /** Machine-readable code (OpenAI `code`), when known. */
  readonly code?: string;

  constructor(
    kind: ErrorKind,
    message: string,
    options: { status?: number; param?: string; retryAfter?: number; code?: string } = {},
  ) {
    super(message);
    this.name = "GatewayError";
    this.kind = kind;
    this.status = options.status ?? DEFAULT_STATUS[kind];
    this.param = options.param;
    this.retryAfter = options.retryAfter;
    this.code = options.code;
  }
}

/** 529 is Anthropic's own "overloaded" status; the other APIs say 503 for the same thing. */
export function statusOutsideAnthropic(error: GatewayError): number {
  return error.status === 529 ? 503 : error.status;
}

/** Shorthand for the most common client mistake. */
export function invalidRequest(message: string, param?: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}

/** The error kind a bare HTTP status stands for (used for upstream errors). */
export function kindForStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return "invalid_request";
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit";
  if (status === 529) return "overloaded";
  if (status === 503) return "unavailable";
  if (status === 504 || status === 408) return "timeout";
  if (status === 502) return "bad_gateway";
  if (status >= 400 && status < 500) return "invalid_request";
  return "api_error";
}
