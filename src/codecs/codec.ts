/**
 * The contract each wire-API folder fulfils, and everything the rest of Plexus knows about an
 * API: a folder in `src/codecs/` plus its line in `registry.ts` is the whole of adding one.
 *
 * Every codec speaks to providers (`OutboundCodec`). One that clients may speak too
 * (`InboundCodec`) adds its routes, how its callers are recognised, its error, model-list and
 * token-count formats, and what same-API pass-through needs. An API Plexus only calls (AWS
 * Bedrock Converse, say) implements `OutboundCodec` alone and gets no routes.
 *
 * Translation does no I/O. Two things come from outside the arguments: the clock, where an
 * answer must say when it was created and the upstream did not (`Math.floor(Date.now() / 1000)`),
 * and a random id for a Gemini stream that carries no `responseId`. Tests compare those fields
 * by shape, not value.
 */
import type {
  ErrorKind,
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
  /** A streamed answer as SSE where the API also streams otherwise (Gemini `?alt=sse`). */
  sse?: boolean;
}

/** What an encoder needs to answer the client. */
export interface EncodeContext {
  /** The request as the gateway understood it. */
  request: UnifiedRequest;
  /** Gateway request id, used where the API wants an id Plexus must invent. */
  requestId: string;
  /** `InboundContext.sse`: Gemini `?alt=sse` was given (SSE), else a streamed JSON array. */
  sse?: boolean;
  /** Responses inbound only: what Plexus keeps of the answer (`src/gateway/responses_state.ts`). */
  responses?: {
    /** The answer is kept: the response object says `store: true`. */
    store: boolean;
    previousResponseId?: string;
    /** Called once with the final response object of a completed or incomplete answer. */
    onComplete?(response: Record<string, unknown>): void;
  };
}

/** The provider model a request goes to, with what its codec may need to fill gaps. */
export interface TargetInfo {
  model: string;
  /** `max_tokens` to send when the client gave none and the API requires one (Anthropic). */
  defaultMaxTokens: number;
}

/** Turns the bytes of a streamed upstream answer into events, for APIs whose streams are not SSE. */
export interface FrameReader {
  push(chunk: Uint8Array): SseEvent[];
  /** The upstream closed: whatever a last, unterminated frame held. */
  end(): SseEvent[];
}

/** The provider's side: every registered codec implements it. */
export interface OutboundCodec {
  /** Its key in `registry.ts`. */
  readonly api: string;
  /** The JSON body to send upstream. */
  fromUnifiedRequest(request: UnifiedRequest, target: TargetInfo): Record<string, unknown>;
  /**
   * `request` is what was asked, so a codec can undo its own tricks (e.g. structured output
   * sent to Anthropic as a forced tool call comes back as text).
   */
  toUnifiedResponse(body: unknown, request: UnifiedRequest): UnifiedResponse;
  createStreamDecoder(request: UnifiedRequest): StreamDecoder;
  /**
   * Optional: how a streamed answer's bytes become events, for a stream that is not SSE (AWS
   * event stream: one event per message, its `:event-type` as `event`, its payload as `data`).
   * Absent: the bytes are SSE.
   */
  createFrameReader?(): FrameReader;
  /** Full URL for a call; `baseUrl` has no trailing slash. */
  upstreamUrl(baseUrl: string, model: string, stream: boolean): string;
  /** Auth and protocol headers (without content-type). */
  upstreamHeaders(apiKey: string | undefined): Record<string, string>;
  /** The human message inside an upstream error body (any shape, possibly not JSON). */
  upstreamErrorMessage(status: number, bodyText: string): string;
  /** Optional: the error kind an upstream error's headers name, where its status would mislead. */
  upstreamErrorKind?(
    status: number,
    headers: { get(name: string): string | null },
  ): ErrorKind | undefined;
  /** Optional: headers that sign a call (AWS SigV4), added after all others. */
  signUpstream?(call: OutgoingCall, auth: UpstreamAuth): Promise<Record<string, string>>;
}

/** What a provider's config says about its credentials, for codecs that sign their calls. */
export interface UpstreamAuth {
  apiKey?: string;
  /** AWS credentials and region (Bedrock's SigV4). */
  aws?: AwsSettings;
}

export interface AwsSettings {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A call about to be sent: what a signature covers. */
export interface OutgoingCall {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A path clients of an API call: exact, or a pattern whose groups are named by `params`. */
export interface Route {
  path: string | RegExp;
  params?: readonly string[];
}

/** A generation endpoint (always `POST`). */
export interface GenerationRoute extends Route {
  /** What the URL says beyond the body (Gemini: the model, streaming, `alt=sse`). */
  context?(url: URL, params: Record<string, string>): InboundContext;
}

/** Where an API's SDKs put the client's key besides `Authorization: Bearer` and `x-api-key`. */
export interface KeyPlaces {
  headers: readonly string[];
  /** A query parameter (Gemini `?key=`). */
  query?: string;
}

/** How a request on a shared or unknown path (`/v1/models`, a 404) shows its caller's dialect. */
export interface DialectSigns {
  /** Paths only this API's clients call (its routes and any other of its endpoints). */
  paths?: RegExp;
  /** Request headers only this API's SDKs send. */
  headers: readonly string[];
  /** Where its SDKs put the client's key besides `Authorization: Bearer` and `x-api-key`. */
  keyPlaces?: KeyPlaces;
}

/** One model as `GET /v1/models` lists it: an alias, or `provider/model`. */
export interface ListedModel {
  id: string;
  ownedBy: string;
  /** An embedding model (`kind: embedding`), or an alias of them. */
  embedding: boolean;
}

/** The API's own model list and model object. */
export interface ModelListFormat {
  /** Paths that list models in this format only (Gemini `/v1beta/models`). */
  listPaths: readonly string[];
  list(models: ListedModel[]): unknown;
  one(model: ListedModel): unknown;
}

/** A token-count endpoint (Anthropic `count_tokens`, Gemini `countTokens`). */
export interface TokenCounting {
  route: Route;
  /** The model the request names (in the body, or as the route's `model` param). */
  model(body: Record<string, unknown>, params: Record<string, string>): string | undefined;
  /** The parts of the body that make up the prompt; undefined when it has none. */
  prompt(body: Record<string, unknown>): unknown[] | undefined;
  /** The field that must hold the prompt, named in the error when it is missing. */
  promptField: string;
  /** A same-API target's count endpoint. */
  upstreamUrl(baseUrl: string, model: string): string;
  upstreamBody(body: Record<string, unknown>, model: string): Record<string, unknown>;
  answer(tokens: number): unknown;
}

/** Same API in and out: the client's body goes upstream with only the model replaced. */
export interface PassThrough {
  /** The client's raw body for `model` (Gemini: unchanged, the model is in the URL). */
  withModel(body: Record<string, unknown>, model: string): Record<string, unknown>;
  /**
   * Optional: ask the upstream for what Plexus must log (usage) when the client did not, and say
   * which events exist only for Plexus so the client never sees them. Undefined when the body
   * already asks for everything.
   */
  streamUsageRequest?(body: Record<string, unknown>): HiddenUsage | undefined;
  /**
   * Whether a forwarded frame's data may hold usage, an error or the end of the answer. Once the
   * first token was seen only these frames are parsed, so a same-API stream does not pay a
   * `JSON.parse` for every frame it only forwards. Must never miss one: usage would be lost.
   */
  mayCarryUsage(frameData: string): boolean;
  /** Client headers sent on to a same-API upstream (newer SDK versions and betas). */
  forwardedHeaders: readonly string[];
  /** Optional: false when the client's stream format differs from the upstream call's. */
  applies?(request: UnifiedRequest, inbound: InboundContext): boolean;
}

/** The client's side, for an API clients may speak to Plexus. */
export interface ClientDialect {
  /** Where its clients send generation requests. */
  routes: readonly GenerationRoute[];
  recognise: DialectSigns;
  /** Validate and convert a request body. Throws `GatewayError` (400) naming the bad field. */
  toUnifiedRequest(body: unknown, ctx: InboundContext): UnifiedRequest;
  /** The JSON body of a non-streamed answer. */
  fromUnifiedResponse(response: UnifiedResponse, ctx: EncodeContext): unknown;
  createStreamEncoder(ctx: EncodeContext): StreamEncoder;
  /** The HTTP status this dialect answers an error with (Anthropic alone says 529). */
  errorStatus(error: GatewayError): number;
  /** The JSON body of an error in this dialect (the status comes from `errorStatus`). */
  renderError(error: GatewayError): unknown;
  models: ModelListFormat;
  /** Absent when the API has no token-count call. */
  countTokens?: TokenCounting;
  passThrough: PassThrough;
}

export type InboundCodec = OutboundCodec & ClientDialect;
export type Codec = OutboundCodec | InboundCodec;

/** Whether clients may speak this codec's API (it has the client's side). */
export function isInbound(codec: Codec): codec is InboundCodec {
  return "toUnifiedRequest" in codec;
}

export interface HiddenUsage {
  body: Record<string, unknown>;
  isHidden(event: SseEvent): boolean;
}
