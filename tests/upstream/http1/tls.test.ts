/**
 * The HTTP/1.1 client over TLS, against a Deno.serve HTTPS server whose certificate is signed by a
 * test-only CA (tests/support/tls/, valid until 2126; not trusted anywhere else).
 */
import assert from "node:assert/strict";
import { Http1Client } from "../../../src/upstream/http1/client.ts";

const TLS_DIR = new URL("../../support/tls/", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, TLS_DIR));

async function withHttpsServer(
  run: (port: number, connections: () => number) => Promise<void>,
): Promise<void> {
  let connections = 0;
  const seen = new Set<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: read("cert.pem"),
    key: read("key.pem"),
    onListen() {},
  }, async (request, info) => {
    if (!seen.has(info.remoteAddr.port)) {
      seen.add(info.remoteAddr.port);
      connections++;
    }
    return new Response(`${request.headers.get("host")} ${await request.text()}`);
  });
  try {
    await run(server.addr.port, () => connections);
  } finally {
    await server.shutdown();
  }
}

Deno.test("requests over TLS are answered and reuse one connection", async () => {
  await withHttpsServer(async (port, connections) => {
    const client = new Http1Client({
      maxIdlePerOrigin: 4,
      idleTimeoutMs: 10_000,
      userAgent: "plexus-test",
      caCerts: [read("ca.pem")],
    });
    try {
      for (const body of ["first", "second"]) {
        const response = await client.request(`https://localhost:${port}/v1/x`, {
          method: "POST",
          headers: {},
          body,
          signal: new AbortController().signal,
        });
        assert.equal(response.status, 200);
        assert.equal(await response.text(), `localhost:${port} ${body}`);
      }
      assert.equal(connections(), 1);
    } finally {
      client.close();
    }
  });
});

Deno.test("a certificate the client does not trust is refused with a certificate error", async () => {
  await withHttpsServer(async (port) => {
    const client = new Http1Client({ maxIdlePerOrigin: 4, idleTimeoutMs: 10_000, userAgent: "t" });
    try {
      await assert.rejects(
        client.request(`https://localhost:${port}/`, {
          method: "POST",
          headers: {},
          body: "",
          signal: new AbortController().signal,
        }),
        (error: Error) => /certificate/i.test(error.message),
      );
      assert.equal(client.openConnections, 0);
    } finally {
      client.close();
    }
  });
});
