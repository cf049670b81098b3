/**
 * The floor for the gateway's time to first byte: a `Deno.serve` proxy that forwards each request
 * body to one upstream through Plexus's HTTP/1.1 client and streams the answer back untouched. No
 * routing, auth, translation, timeouts or logging: what is left is the runtime and the sockets.
 *
 *   deno run -A bench/bare_proxy.ts <port> <upstream origin>
 */
import { Http1Client } from "../src/upstream/http1/client.ts";

if (import.meta.main) {
  const [port, origin] = [Number(Deno.args[0] ?? "0"), Deno.args[1] ?? "http://127.0.0.1:9101"];
  const client = new Http1Client({
    maxIdlePerOrigin: 256,
    idleTimeoutMs: 60_000,
    userAgent: "bare",
  });
  Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: (addr) => console.log(`bare proxy listening on ${addr.port}`),
  }, async (request) => {
    const path = new URL(request.url).pathname;
    if (request.method !== "POST") return new Response("ok");
    const upstream = await client.request(origin + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: await request.text(),
      signal: request.signal,
    });
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = await upstream.read();
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
      cancel: () => upstream.cancel(),
    });
    return new Response(body, {
      status: upstream.status,
      headers: { "content-type": upstream.headers.get("content-type") ?? "text/plain" },
    });
  });
}
