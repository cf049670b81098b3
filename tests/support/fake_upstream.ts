/**
 * A fake LLM provider for end-to-end tests: one local HTTP server that speaks the OpenAI chat,
 * Anthropic messages, OpenAI Responses and Gemini wire APIs, records every request, and answers
 * with a canned reply, a scripted reply, a recorded fixture, or a failure (error status, hang,
 * dropped connection). It imports nothing from `src/`: it is the independent reference.
 */
import {
  fixtureApi,
  isRecord,
  jsonArrayPieces,
  readFixtureLines,
  readFixtureText,
  sseFrameForLine,
  statusForFixtureBody,
  type WireApi,
} from "./fixtures.ts";
import {
  defaultScenario,
  errorBody,
  jsonBody,
  type JsonObject,
  type Scenario,
  streamEvents,
} from "./wire_scenarios.ts";
import { setImmediate } from "node:timers";

export interface RecordedRequest {
  /** `undefined` when the path matched none of the four APIs (the fake answered 404). */
  api: WireApi | undefined;
  method: string;
  path: string;
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it did not parse. */
  body: unknown;
  rawBody: string;
  /** `body.model`, or for Gemini the `{model}` path segment. */
  model: string | undefined;
  /** Whether the request asked for a streamed answer (`stream: true`, or Gemini's URL). */
  stream: boolean;
}

/** Options shared by replies that send a body in pieces. */
export interface PacingOptions {
  /** Cut the bytes at odd offsets so writes end mid-line and mid-character. */
  splitMidLine?: boolean;
  /** Pause between writes. */
  delayMs?: number;
}

/** A reply whose body can be cut after some frames. */
export type BodyReply =
  | ({ kind: "fixture"; file: string } & PacingOptions)
  | ({
    kind: "stream";
    api: WireApi;
    /** Wire event objects, or stored lines sent unchanged. */
    events: Array<JsonObject | string>;
    /** Chat only: end with `data: [DONE]` (default true). */
    done?: boolean;
  } & PacingOptions)
  | ({ kind: "json"; body: unknown; status?: number; headers?: Record<string, string> })
  | ({
    kind: "scenario";
    /** Fields to override in the canned answer; built in the request's API and mode. */
    scenario: Partial<Scenario>;
  } & PacingOptions);

export type FakeReply =
  | BodyReply
  | { kind: "error"; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: "hang_before_headers" }
  | { kind: "hang_mid_stream"; afterFrames: number; source?: BodyReply }
  | { kind: "close_mid_stream"; afterFrames: number; source?: BodyReply }
  | { kind: "delay"; ms: number; then: ScriptedReply };

export type ScriptedReply = FakeReply | ((request: RecordedRequest) => FakeReply);

export interface FakeUpstream {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  lastRequest(api?: WireApi): RecordedRequest | undefined;
  /** Answer the next request with `reply` (FIFO). */
  enqueue(...replies: ScriptedReply[]): void;
  /** Answer every unscripted request with `reply` instead of the canned answer. */
  setDefault(reply: ScriptedReply | undefined): void;
  /** Forget requests, queued replies, the default reply and the counters. */
  reset(): void;
  /** Distinct client TCP connections seen since start or `reset()`. */
  readonly connectionCount: number;
  /** Responses whose client went away before the body was complete. */
  readonly aborted: number;
  /** Requests whose client gave up while the fake withheld the headers. */
  readonly abortedBeforeHeaders: number;
  /** Stop listening: connections to `url` are refused until `acceptConnections()`. */
  refuseConnections(): Promise<void>;
  /** Listen again on the same port. */
  acceptConnections(): Promise<void>;
  /** Release every hung response and wait for the server to stop. */
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
}

/** A TCP port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export function unusedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

interface Route {
  api: WireApi;
  model: string | undefined;
  stream: boolean;
  /** Gemini: `alt=sse` asked for SSE instead of a JSON array. */
  sse: boolean;
}

const GEMINI_PATH = /\/models\/([^/]+):(generateContent|streamGenerateContent)$/;

/** Which API a request is for, by path suffix (any base path prefix is accepted). */
function routeOf(url: URL, method: string, body: unknown): Route | undefined {
  if (method !== "POST") return undefined;
  const path = url.pathname;
  const bodyModel = isRecord(body) && typeof body.model === "string" ? body.model : undefined;
  const bodyStream = isRecord(body) && body.stream === true;
  const gemini = GEMINI_PATH.exec(path);
  if (gemini) {
    const stream = gemini[2] === "streamGenerateContent";
    return {
      api: "gemini",
      model: decodeURIComponent(gemini[1]),
      stream,
      sse: stream && url.searchParams.get("alt") === "sse",
    };
  }
  const api: WireApi | undefined = path.endsWith("/chat/completions")
    ? "chat"
    : path.endsWith("/messages")
    ? "messages"
    : path.endsWith("/responses")
    ? "responses"
    : undefined;
  if (api === undefined) return undefined;
  return { api, model: bodyModel, stream: bodyStream, sse: bodyStream };
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

/** What the fake is going to send: a status, headers and the body as ordered pieces. */
interface Plan {
  status: number;
  headers: Record<string, string>;
  pieces: string[];
  splitMidLine: boolean;
  delayMs: number;
  /** After this many pieces: stall until released, or drop the connection. */
  cut?: { after: number; how: "stall" | "drop" };
}

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};
const JSON_HEADERS = { "content-type": "application/json" };

/** Provider-style request id headers, so clients that log them find one. */
function requestIdHeaders(api: WireApi | undefined, seq: number): Record<string, string> {
  const id = `req_fake_${seq}`;
  return api === "messages" ? { "request-id": id } : { "x-request-id": id };
}

function jsonPlan(body: string, status = 200, headers: Record<string, string> = {}): Plan {
  return {
    status,
    headers: { ...JSON_HEADERS, ...headers },
    pieces: [body],
    splitMidLine: false,
    delayMs: 0,
  };
}

/** Stream lines framed for `api`; a Gemini request without `alt=sse` gets a JSON array. */
function streamPlan(
  api: WireApi,
  lines: string[],
  route: Route | undefined,
  pacing: PacingOptions,
  done = true,
): Plan {
  const jsonArray = api === "gemini" && route?.api === "gemini" && !route.sse;
  const pieces = jsonArray
    ? jsonArrayPieces(lines)
    : lines.map((line) => sseFrameForLine(api, line));
  if (api === "chat" && done) pieces.push("data: [DONE]\n\n");
  return {
    status: 200,
    headers: jsonArray ? { ...JSON_HEADERS } : { ...SSE_HEADERS },
    pieces,
    splitMidLine: pacing.splitMidLine ?? false,
    delayMs: pacing.delayMs ?? 0,
  };
}

function fixturePlan(reply: { file: string } & PacingOptions, route: Route | undefined): Plan {
  const api = fixtureApi(reply.file);
  if (reply.file.endsWith(".chunks.txt")) {
    return streamPlan(api, readFixtureLines(reply.file), route, reply);
  }
  const body: unknown = JSON.parse(readFixtureText(reply.file));
  return jsonPlan(JSON.stringify(body), statusForFixtureBody(body));
}

function scenarioFor(
  request: RecordedRequest,
  api: WireApi,
  seq: number,
  patch: Partial<Scenario>,
): Scenario {
  const base = defaultScenario(api, request.model ?? `fake-${api}-model`, `fake${seq}`);
  return { ...base, ...patch };
}

function includeUsage(body: unknown): boolean {
  return isRecord(body) && isRecord(body.stream_options) &&
    body.stream_options.include_usage === true;
}

/** Cut a non-streamed body into a few pieces so it can fail "mid-body". */
function splitJsonPlan(plan: Plan): Plan {
  const text = plan.pieces.join("");
  const size = Math.max(1, Math.ceil(text.length / 4));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return { ...plan, pieces };
}

/** Cut bytes into writes of irregular sizes, so frame and line ends fall inside writes. */
function oddWrites(bytes: Uint8Array): Uint8Array[] {
  const sizes = [7, 13, 3, 29, 11];
  const writes: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    writes.push(bytes.subarray(at, at + size));
    at += size;
  }
  return writes;
}

/** One turn of the event loop, without the clamping of `setTimeout(0)`. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedReply[] = [];
  let fallback: ScriptedReply | undefined;
  const connections = new Set<string>();
  let aborted = 0;
  let abortedBeforeHeaders = 0;
  let seq = 0;
  /** Wakes every hung response; called by `close()` and `refuseConnections()`. */
  const releases = new Set<() => void>();
  let server: Deno.HttpServer<Deno.NetAddr>;
  let port = options.port ?? 0;
  const encoder = new TextEncoder();

  /**
   * Wait until `close()`, the client going away, `release()` or (if given) `ms` elapsed,
   * whichever comes first; leaves no timer or listener behind.
   */
  function hold(
    signal: AbortSignal,
    ms?: number,
  ): { released: Promise<void>; release: () => void } {
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      release = (): void => {
        releases.delete(release);
        signal.removeEventListener("abort", release);
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      releases.add(release);
      signal.addEventListener("abort", release);
      if (ms !== undefined) timer = setTimeout(release, ms);
      if (signal.aborted) release();
    });
    return { released, release };
  }

  function bodyPlan(
    reply: BodyReply,
    request: RecordedRequest,
    route: Route | undefined,
    n: number,
  ): Plan {
    switch (reply.kind) {
      case "fixture":
        return fixturePlan(reply, route);
      case "json":
        return jsonPlan(JSON.stringify(reply.body), reply.status, reply.headers);
      case "stream": {
        const lines = reply.events.map((event) =>
          typeof event === "string" ? event : JSON.stringify(event)
        );
        return streamPlan(reply.api, lines, route, reply, reply.done);
      }
      case "scenario": {
        const api = route?.api ?? "chat";
        const scenario = scenarioFor(request, api, n, reply.scenario);
        if (route?.stream) {
          const events = streamEvents(api, scenario, { includeUsage: includeUsage(request.body) });
          return streamPlan(api, events.map((event) => JSON.stringify(event)), route, reply);
        }
        return jsonPlan(JSON.stringify(jsonBody(api, scenario)));
      }
    }
  }

  /** Resolve a reply to a plan; `undefined` means "never answer" (already released). */
  async function planFor(
    scripted: ScriptedReply,
    request: RecordedRequest,
    route: Route | undefined,
    n: number,
    signalOf: () => AbortSignal,
  ): Promise<Plan | undefined> {
    const reply = typeof scripted === "function" ? scripted(request) : scripted;
    switch (reply.kind) {
      case "error": {
        const body = reply.body ?? errorBody(route?.api ?? "chat", reply.status);
        const text = typeof body === "string" ? body : JSON.stringify(body);
        return jsonPlan(text, reply.status, reply.headers);
      }
      case "hang_before_headers": {
        // Only here and in `delay` is `request.signal` read: Deno warns when it is observed
        // on requests that then succeed, and only the signal shows a client leaving early.
        const signal = signalOf();
        await hold(signal).released;
        if (signal.aborted) abortedBeforeHeaders++;
        return undefined;
      }
      case "hang_mid_stream":
      case "close_mid_stream": {
        let plan = bodyPlan(reply.source ?? { kind: "scenario", scenario: {} }, request, route, n);
        if (
          plan.pieces.length === 1 && !plan.headers["content-type"].startsWith("text/event-stream")
        ) {
          plan = splitJsonPlan(plan);
        }
        const how = reply.kind === "hang_mid_stream" ? "stall" : "drop";
        return { ...plan, cut: { after: reply.afterFrames, how } };
      }
      case "delay": {
        const signal = signalOf();
        await hold(signal, reply.ms).released;
        if (signal.aborted) return undefined;
        return planFor(reply.then, request, route, n, signalOf);
      }
      default:
        return bodyPlan(reply, request, route, n);
    }
  }

  /**
   * The response body, written piece by piece. The client leaving is seen either as the stream
   * being cancelled or as `completed` rejecting; `request.signal` is not used because Deno also
   * aborts it after a successful response.
   */
  function bodyStream(plan: Plan, completed: Promise<void>): ReadableStream<Uint8Array> {
    let finished = false;
    let cancelled = false;
    const left = new AbortController();
    const clientLeft = (): void => {
      if (finished || cancelled) return;
      cancelled = true;
      aborted++;
      left.abort();
    };
    completed.catch(clientLeft);
    const cutAt = plan.cut ? Math.min(plan.cut.after, plan.pieces.length) : plan.pieces.length;
    const sent = encoder.encode(plan.pieces.slice(0, cutAt).join(""));
    const writes = plan.splitMidLine
      ? oddWrites(sent)
      : plan.pieces.slice(0, cutAt).map((piece) => encoder.encode(piece));

    async function run(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
      for (const bytes of writes) {
        if (cancelled) return;
        controller.enqueue(bytes);
        // Yielding to the event loop between writes lets each one leave as its own chunk.
        await (plan.delayMs > 0 ? pause(plan.delayMs) : nextTurn());
      }
      if (cancelled) return;
      if (plan.cut?.how === "stall") {
        await hold(left.signal).released;
        if (cancelled) return;
      }
      finished = true;
      if (plan.cut) controller.error(new Error("fake upstream dropped the connection"));
      else controller.close();
    }

    return new ReadableStream<Uint8Array>({
      start(controller) {
        void run(controller);
      },
      cancel() {
        clientLeft();
      },
    });
  }

  async function handle(
    request: Request,
    info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  ): Promise<Response> {
    connections.add(`${info.remoteAddr.hostname}:${info.remoteAddr.port}`);
    const url = new URL(request.url);
    const rawBody = await request.text();
    const body = parseBody(rawBody);
    const route = routeOf(url, request.method, body);
    const recorded: RecordedRequest = {
      api: route?.api,
      method: request.method,
      path: url.pathname,
      url: request.url,
      headers: headerRecord(request.headers),
      body,
      rawBody,
      model: route?.model,
      stream: route?.stream ?? false,
    };
    requests.push(recorded);
    const n = ++seq;
    if (route === undefined) {
      return new Response(
        JSON.stringify({ error: { message: `fake upstream: no route ${url.pathname}` } }),
        {
          status: 404,
          headers: JSON_HEADERS,
        },
      );
    }
    const scripted = queue.shift() ?? fallback ?? { kind: "scenario", scenario: {} };
    const plan = await planFor(scripted, recorded, route, n, () => request.signal);
    if (plan === undefined) {
      return new Response(null, { status: 503 });
    }
    return new Response(bodyStream(plan, info.completed), {
      status: plan.status,
      headers: { ...plan.headers, ...requestIdHeaders(route.api, n) },
    });
  }

  function listen(): Promise<void> {
    return new Promise((resolve) => {
      server = Deno.serve({ port, hostname: "127.0.0.1", onListen: () => resolve() }, handle);
      port = server.addr.port;
    });
  }

  function releaseAll(): void {
    for (const release of [...releases]) release();
  }

  let listening = true;
  return listen().then((): FakeUpstream => ({
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    requests,
    lastRequest(api?: WireApi) {
      for (let i = requests.length - 1; i >= 0; i--) {
        if (api === undefined || requests[i].api === api) return requests[i];
      }
      return undefined;
    },
    enqueue(...replies: ScriptedReply[]) {
      queue.push(...replies);
    },
    setDefault(reply: ScriptedReply | undefined) {
      fallback = reply;
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      fallback = undefined;
      connections.clear();
      aborted = 0;
      abortedBeforeHeaders = 0;
    },
    get connectionCount() {
      return connections.size;
    },
    get aborted() {
      return aborted;
    },
    get abortedBeforeHeaders() {
      return abortedBeforeHeaders;
    },
    async refuseConnections() {
      if (!listening) return;
      listening = false;
      releaseAll();
      await server.shutdown();
    },
    async acceptConnections() {
      if (listening) return;
      listening = true;
      await listen();
    },
    async close() {
      releaseAll();
      if (!listening) return;
      listening = false;
      await server.shutdown();
    },
  }));
}
