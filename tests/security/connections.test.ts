/**
 * Hostile clients at the connection level: slow heads, slow bodies, too many connections, and
 * bodies that only claim to be large. Limits are tiny here; the behaviour is the same at the
 * defaults.
 */
import assert from "node:assert/strict";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startGateway } from "../support/gateway.ts";
import { closeQuietly, rawConnect, readUntilClosed, send } from "./raw_client.ts";

function limitedConfig(limits: Partial<ReturnType<typeof testConfig>["limits"]>) {
  const config = testConfig({
    oa: { api: "chat", baseUrl: "http://127.0.0.1:9/v1", models: ["m"] },
  });
  config.limits = { ...config.limits, ...limits };
  return config;
}

Deno.test("a request head sent a line at a time is cut off at headers_ms", async () => {
  const gateway = await startGateway(limitedConfig({ headersMs: 200 }));
  const conn = await rawConnect(gateway.server.addr.port);
  try {
    await send(conn, "GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n");
    const slow = setInterval(() => send(conn, "x-slow: 1\r\n").catch(() => {}), 50);
    const answer = await readUntilClosed(conn, 3000);
    clearInterval(slow);
    assert.notEqual(answer, undefined, "the connection is still open after 3 s");
  } finally {
    closeQuietly(conn);
    await gateway.close();
  }
});

Deno.test("an idle keep-alive connection is closed after keep_alive_ms", async () => {
  const gateway = await startGateway(limitedConfig({ keepAliveMs: 200 }));
  const conn = await rawConnect(gateway.server.addr.port);
  try {
    await send(conn, "GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n");
    const answer = await readUntilClosed(conn, 3000);
    assert.ok(answer?.startsWith("HTTP/1.1 200"), String(answer));
  } finally {
    closeQuietly(conn);
    await gateway.close();
  }
});

Deno.test("a request body that stops arriving is cut off at body_ms with one usage line", async () => {
  const gateway = await startGateway(limitedConfig({ bodyMs: 200 }));
  const conn = await rawConnect(gateway.server.addr.port);
  try {
    await send(
      conn,
      "POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n" +
        `authorization: Bearer ${TEST_KEY}\r\ncontent-length: 1000\r\n\r\n{"model":`,
    );
    const answer = await readUntilClosed(conn, 3000);
    assert.notEqual(answer, undefined, "the connection is still open after 3 s");
    const [record] = await gateway.waitForRecords(1);
    assert.equal(record.status, 499);
  } finally {
    closeQuietly(conn);
    await gateway.close();
  }
});

Deno.test("connections over max_connections are answered 503 and closed; the rest are served", async () => {
  const gateway = await startGateway(limitedConfig({ maxConnections: 2 }));
  const port = gateway.server.addr.port;
  const held = [await rawConnect(port), await rawConnect(port)];
  try {
    // Both held connections are accepted before the third arrives.
    for (const conn of held) {
      await send(conn, "GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n");
      const buffer = new Uint8Array(4096);
      assert.ok((await conn.read(buffer) ?? 0) > 0);
    }
    const extra = await rawConnect(port);
    const refused = await readUntilClosed(extra, 3000);
    closeQuietly(extra);
    assert.ok(refused?.startsWith("HTTP/1.1 503"), String(refused));
    closeQuietly(held.pop()!);
    // A slot is free again once a connection closed.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = await fetch(`${gateway.url}/health`, { headers: { connection: "close" } })
        .then(async (r) => (await r.body?.cancel(), r.status)).catch(() => 0);
    }
    assert.equal(status, 200);
  } finally {
    held.forEach(closeQuietly);
    await gateway.close();
  }
});

Deno.test("bodies that only declare a large content-length do not reserve memory for it", async () => {
  const gateway = await startGateway(limitedConfig({}));
  const port = gateway.server.addr.port;
  const conns: Deno.TcpConn[] = [];
  try {
    const before = Deno.memoryUsage().rss;
    for (let i = 0; i < 16; i++) {
      const conn = await rawConnect(port);
      conns.push(conn);
      await send(
        conn,
        "POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n" +
          `authorization: Bearer ${TEST_KEY}\r\ncontent-length: 33000000\r\n\r\n{`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
    const grown = (Deno.memoryUsage().rss - before) / 1024 / 1024;
    // 16 declared bodies of 33 MB: reserving them would be over 500 MB.
    assert.ok(grown < 128, `RSS grew by ${grown.toFixed(0)} MB`);
  } finally {
    conns.forEach(closeQuietly);
    await gateway.close();
  }
});
