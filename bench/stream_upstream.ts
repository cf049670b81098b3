/**
 * The slow-stream fake provider of `make bench-streams`: every `POST /v1/chat/completions` or
 * `POST /v1/messages` is answered with an SSE stream (chunked HTTP/1.1) that sends one token every
 * `intervalMs`, as many as the request's `max_tokens` (default: `seconds` worth), each token's text being its send time (`stampText`). Streams start
 * at spread phases, so 10,000 of them tick evenly instead of in one burst every interval.
 *
 *   deno run -A bench/stream_upstream.ts <port> <seconds> <intervalMs>
 *
 * Raw TCP rather than `Deno.serve`: 200,000 tokens a second must cost the fake far less than the
 * gateway. Keep-alive is honoured (the gateway pools its upstream connections). `GET /_stats`
 * answers `{"streams":open,"started":n,"tokens":n}`.
 */
import { stampText, streamPhaseMs } from "./stream_stamps.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Api = "chat" | "messages";

function chatChunk(delta: unknown, finish: string | null = null, usage: unknown = null): string {
  return `data: ${
    JSON.stringify({
      id: "chatcmpl-bench",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "bench-model",
      choices: usage === null ? [{ index: 0, delta, finish_reason: finish }] : [],
      usage,
    })
  }\n\n`;
}

function messagesEvent(data: { type: string; [field: string]: unknown }): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function openingFrames(api: Api): string {
  if (api === "chat") return chatChunk({ role: "assistant", content: "" });
  return messagesEvent({
    type: "message_start",
    message: {
      id: "msg_bench",
      type: "message",
      role: "assistant",
      model: "bench-model",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 25, output_tokens: 1 },
    },
  }) +
    messagesEvent({
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    });
}

const STAMP_SLOT = "\u0000";

/** A token frame around a placeholder, split once: each token then costs two concatenations. */
function tokenTemplate(api: Api): [string, string] {
  const text = STAMP_SLOT;
  const frame = api === "chat"
    ? chatChunk({ content: text })
    : messagesEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
  const [before, after] = frame.split("\\u0000");
  return [before, after];
}

const TOKEN_TEMPLATES: Record<Api, [string, string]> = {
  chat: tokenTemplate("chat"),
  messages: tokenTemplate("messages"),
};

function tokenFrame(api: Api, sendMs: number): string {
  const [before, after] = TOKEN_TEMPLATES[api];
  return before + stampText(sendMs) + after;
}

function closingFrames(api: Api, tokens: number): string {
  if (api === "chat") {
    return chatChunk({}, "stop") +
      chatChunk({}, null, {
        prompt_tokens: 25,
        completion_tokens: tokens,
        total_tokens: 25 + tokens,
      }) +
      "data: [DONE]\n\n";
  }
  return messagesEvent({ type: "content_block_stop", index: 0 }) +
    messagesEvent({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: tokens },
    }) + messagesEvent({ type: "message_stop" });
}

/** One HTTP/1.1 chunk holding `text`. */
function chunk(text: string): Uint8Array {
  const body = encoder.encode(text);
  const head = encoder.encode(`${body.length.toString(16)}\r\n`);
  const out = new Uint8Array(head.length + body.length + 2);
  out.set(head);
  out.set(body, head.length);
  out.set([13, 10], head.length + body.length);
  return out;
}

const SSE_HEAD =
  "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n" +
  "transfer-encoding: chunked\r\n\r\n";
const LAST_CHUNK = encoder.encode("0\r\n\r\n");

interface Stream {
  conn: Deno.Conn;
  api: Api;
  sent: number;
  total: number;
  nextDueMs: number;
  slot: number;
  finished: boolean;
  /** Writes in flight, chained so the bytes of one stream stay in order. */
  writing: Promise<void>;
  /** Writes not finished yet: while one is, the socket is full and the next token waits. */
  inFlight: number;
  done: () => void;
}

let intervalMs = 50;
let tokensPerStream = 600;
let openStreams = 0;
let started = 0;
let tokens = 0;
/** A timing wheel: the streams due in each millisecond of the interval. */
let wheel: Array<Set<Stream>> = [];

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

function finish(stream: Stream): void {
  if (stream.finished) return;
  stream.finished = true;
  wheel[stream.slot].delete(stream);
  stream.done();
}

function send(stream: Stream, bytes: Uint8Array): void {
  stream.inFlight++;
  stream.writing = stream.writing.then(() => writeAll(stream.conn, bytes)).then(() => {
    stream.inFlight--;
  }, () => {
    // The gateway closed the connection: this stream ends here.
    try {
      stream.conn.close();
    } catch {
      // Already closed.
    }
    finish(stream);
  });
}

function tick(stream: Stream, nowMs: number): void {
  send(stream, chunk(tokenFrame(stream.api, performance.timeOrigin + performance.now())));
  tokens++;
  stream.sent++;
  stream.nextDueMs = nowMs + intervalMs;
  if (stream.sent < stream.total) return;
  wheel[stream.slot].delete(stream);
  send(stream, chunk(closingFrames(stream.api, stream.sent)));
  send(stream, LAST_CHUNK);
  stream.writing.then(() => finish(stream));
}

function slotOf(ms: number): number {
  return Math.floor(ms) % wheel.length;
}

let lastSlotMs = Math.floor(performance.now());

/** Runs every millisecond or so; visits the wheel slots passed since the last run. */
function turnWheel(): void {
  const now = performance.now();
  const until = Math.floor(now);
  // After a stall longer than the interval, every slot is visited once.
  const from = Math.max(lastSlotMs + 1, until - wheel.length + 1);
  for (let ms = from; ms <= until; ms++) {
    for (const stream of wheel[slotOf(ms)]) {
      // A stream whose last write is still pending (the gateway is not reading) waits for the
      // next turn of the wheel, so a slow reader holds no growing queue here.
      if (stream.nextDueMs <= now && stream.inFlight === 0) tick(stream, stream.nextDueMs);
    }
  }
  lastSlotMs = until;
}

function startStream(conn: Deno.Conn, api: Api, total: number): Promise<void> {
  return new Promise((resolve) => {
    const firstDueMs = performance.now() + streamPhaseMs(started++, intervalMs);
    const stream: Stream = {
      conn,
      api,
      sent: 0,
      total: Math.max(1, total),
      nextDueMs: firstDueMs,
      slot: slotOf(firstDueMs),
      finished: false,
      writing: Promise.resolve(),
      inFlight: 0,
      done: () => {
        openStreams--;
        resolve();
      },
    };
    openStreams++;
    send(stream, encoder.encode(SSE_HEAD));
    send(stream, chunk(openingFrames(api)));
    wheel[stream.slot].add(stream);
  });
}

/** Reads one request (head and a `content-length` body); undefined at the connection's end. */
async function readRequest(conn: Deno.Conn, buffered: { bytes: Uint8Array }) {
  const buffer = new Uint8Array(16 * 1024);
  for (;;) {
    const text = decoder.decode(buffered.bytes);
    const headEnd = text.indexOf("\r\n\r\n");
    if (headEnd >= 0) {
      const length = Number(/content-length:\s*(\d+)/i.exec(text.slice(0, headEnd))?.[1] ?? 0);
      const total = headEnd + 4 + length;
      if (buffered.bytes.length >= total) {
        buffered.bytes = buffered.bytes.slice(total);
        const body = text.slice(headEnd + 4, total);
        // The answer's length: the request's max_tokens (the bench sets it), else the default.
        const maxTokens = Number(/"max_tokens":(\d+)/.exec(body)?.[1] ?? tokensPerStream);
        return { line: text.slice(0, text.indexOf(" ", text.indexOf(" ") + 1)), maxTokens };
      }
    }
    const n = await conn.read(buffer);
    if (n === null) return undefined;
    const grown = new Uint8Array(buffered.bytes.length + n);
    grown.set(buffered.bytes);
    grown.set(buffer.subarray(0, n), buffered.bytes.length);
    buffered.bytes = grown;
  }
}

const STATS_PATH = "GET /_stats";

async function serveConnection(conn: Deno.Conn): Promise<void> {
  const buffered = { bytes: new Uint8Array(0) };
  try {
    for (;;) {
      const request = await readRequest(conn, buffered);
      if (request === undefined) return;
      const requestLine = request.line;
      if (requestLine === STATS_PATH) {
        const body = JSON.stringify({ streams: openStreams, started, tokens });
        await writeAll(
          conn,
          encoder.encode(
            `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
          ),
        );
      } else if (requestLine === "POST /v1/chat/completions") {
        await startStream(conn, "chat", request.maxTokens);
      } else if (requestLine === "POST /v1/messages") {
        await startStream(conn, "messages", request.maxTokens);
      } else {
        await writeAll(conn, encoder.encode("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"));
      }
    }
  } catch {
    // The peer went away; its stream, if any, is dropped below.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

if (import.meta.main) {
  const port = Number(Deno.args[0] ?? "0");
  const seconds = Number(Deno.args[1] ?? "30");
  intervalMs = Number(Deno.args[2] ?? "50");
  tokensPerStream = Math.max(1, Math.round(seconds * 1000 / intervalMs));
  wheel = Array.from({ length: Math.max(1, Math.round(intervalMs)) }, () => new Set<Stream>());
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  console.log(`stream upstream listening on ${(listener.addr as Deno.NetAddr).port}`);
  setInterval(turnWheel, 1);
  for await (const conn of listener) serveConnection(conn);
}
