/**
 * The contract each wire-API module fulfils. One module per API (`chat`, `messages`,
 * `responses`, `gemini`) serves both as the client's dialect (inbound) and as the provider's
 * (outbound). Everything here is pure: no I/O, no clocks, no randomness the caller cannot seed.
 */
import type {
  ApiName,
  GatewayError,
  StreamEvent,
  UnifiedRequest,
  UnifiedResponse,
} from "./unified.ts";
import type { SseEvent } from "../wire/sse.ts";

export type { SseEvent };

/** Turns an upstream's SSE events into unified events, incrementally. */
export interface StreamDecoder {
  push(event: SseEvent): StreamEvent[];
  /** The upstream closed the stream: return whatever is still owed (e.g. a missing `finish`). */
  end(): StreamEvent[];
}

/** Turns unified events into the text a client reads (SSE frames, or JSON-array pieces). */
export interface StreamEncoder {
  /** `text/event-stream` for SSE; Gemini without `alt=sse` streams `application/json`. */
  readonly contentType: string;
  /** Frames for one event; `""` when nothing is due yet. Must never hold back a text delta. */
  push(event: StreamEvent): string;
  /**
   * Called after the events of one upstream frame: whatever was held to merge with events of
   * the same frame is due now, so the client's first bytes never wait for the next frame.
   */
  endOfFrame?(): string;
  /** Closing frames after the last event (`message_stop`, `[DONE]`, `]`...). */
  end(): string;
}

/** What the router knows about an inbound request beyond its body. */
export interface InboundContext {
  /** Model taken from the URL (Gemini puts it there). */
  model?: string;
  /** Streaming decided by the URL (Gemini `:streamGenerateContent`). */
  stream?: boolean;
}

/** What an encoder needs to answer the client. */
export interface EncodeContext {
  /** The request as the gateway understood it. */
  request: UnifiedRequest;
  /** Gateway request id, used where the API wants an id Plexus must invent. */
  requestId: string;
  /** Gemini inbound only: `?alt=sse` was given (SSE), else a streamed JSON array. */
  sse?: boolean;
}

/** The provider model a request goes to, with what its codec may need to fill gaps. */
export interface TargetInfo {
  model: string;
  /** `max_tokens` to send when the client gave none and the API requires one (Anthropic). */
  defaultMaxTokens: number;
}

export interface Codec {
  readonly api: ApiName;

  // ---- as the client's dialect -------------------------------------------------------------
  /** Validate and convert a request body. Throws `GatewayError` (400) naming the bad field. */
  toUnifiedRequest(body: unknown, ctx: InboundContext): UnifiedRequest;
  /** The JSON body of a non-streamed answer. */
  fromUnifiedResponse(response: UnifiedResponse, ctx: EncodeContext): unknown;
  createStreamEncoder(ctx: EncodeContext): StreamEncoder;
  /** The JSON body of an error in this dialect (the status comes from the error). */
  renderError(error: GatewayError): unknown;

  // ---- as the provider's dialect -----------------------------------------------------------
  /** The JSON body to send upstream. */
  fromUnifiedRequest(request: UnifiedRequest, target: TargetInfo): Record<string, unknown>;
  /**
   * `request` is what was asked, so a codec can undo its own tricks (e.g. structured output
   * sent to Anthropic as a forced tool call comes back as text).
   */
  toUnifiedResponse(body: unknown, request: UnifiedRequest): UnifiedResponse;
  createStreamDecoder(request: UnifiedRequest): StreamDecoder;
  /** Full URL for a call; `baseUrl` has no trailing slash. */
  upstreamUrl(baseUrl: string, model: string, stream: boolean): string;
  /** Auth and protocol headers (without content-type). */
  upstreamHeaders(apiKey: string | undefined): Record<string, string>;
  /** The human message inside an upstream error body (any shape, possibly not JSON). */
  upstreamErrorMessage(status: number, bodyText: string): string;

  // ---- same API in and out -----------------------------------------------------------------
  /** Pass-through: the client's raw body with only the model replaced (Gemini: unchanged). */
  withModel(body: Record<string, unknown>, model: string): Record<string, unknown>;
  /**
   * Pass-through streams, optional: ask the upstream for what Plexus must log (usage) when the
   * client did not, and say which events exist only for Plexus so the client never sees them.
   * Undefined when the body already asks for everything.
   */
  streamUsageRequest?(body: Record<string, unknown>): HiddenUsage | undefined;
}

export interface HiddenUsage {
  body: Record<string, unknown>;
  isHidden(event: SseEvent): boolean;
}
