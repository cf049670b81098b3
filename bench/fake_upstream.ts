/**
 * The benchmark's fake provider: answers `POST /v1/chat/completions` and `POST /v1/messages` with
 * precomputed bytes (JSON, or a 20-chunk SSE stream when the body asks for `"stream":true`), and
 * counts the distinct TCP connections it saw so the bench can tell whether the gateway reuses them.
 *
 *   deno run -A bench/fake_upstream.ts <port>
 *
 * `GET /_stats` → `{"requests":n,"connections":n}` since the last `POST /_reset`.
 * A request whose body names the model `bench-slow` gets its stream frames 10 ms apart, so a
 * client can leave in the middle of it (the soak's aborted streams).
 */
import { chatFrames, chatJson, messagesFrames, messagesJson } from "./canned.ts";

const SLOW_FRAME_GAP_MS = 10;
const encoder = new TextEncoder();

interface Canned {
  json: Uint8Array<ArrayBuffer>;
  frames: Uint8Array[];
}

const CANNED: Record<string, Canned> = {
  "/v1/chat/completions": {
    json: encoder.encode(chatJson()),
    frames: chatFrames().map((f) => encoder.encode(f)),
  },
  "/v1/messages": {
    json: encoder.encode(messagesJson()),
    frames: messagesFrames().map((f) => encoder.encode(f)),
  },
};

const JSON_HEADERS = { "content-type": "application/json" };
const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

let requests = 0;
let connections = new Set<string>();

/** One SSE frame per pull, so the gateway sees a stream in pieces, as from a real provider. */
function frameStream(frames: Uint8Array[], gapMs: number): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (gapMs > 0 && next > 0) await new Promise((r) => setTimeout(r, gapMs));
      controller.enqueue(frames[next++]);
      if (next === frames.length) controller.close();
    },
  });
}

function stats(): Response {
  return Response.json({ requests, connections: connections.size });
}

async function handle(request: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === "/_stats") return stats();
  if (path === "/_reset") {
    requests = 0;
    connections = new Set();
    return stats();
  }
  const canned = CANNED[path];
  if (canned === undefined || request.method !== "POST") {
    return new Response("not found", { status: 404 });
  }
  requests++;
  if (info.remoteAddr.transport === "tcp") connections.add(String(info.remoteAddr.port));
  // A substring test, not JSON.parse: the fake must stay far cheaper than the gateway.
  const body = await request.text();
  if (!body.includes('"stream":true')) return new Response(canned.json, { headers: JSON_HEADERS });
  const gap = body.includes("bench-slow") ? SLOW_FRAME_GAP_MS : 0;
  return new Response(frameStream(canned.frames, gap), { headers: SSE_HEADERS });
}

if (import.meta.main) {
  const port = Number(Deno.args[0] ?? "0");
  Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: (addr) => console.log(`fake upstream listening on ${addr.port}`),
  }, handle);
}
