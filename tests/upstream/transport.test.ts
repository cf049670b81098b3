import assert from "node:assert/strict";
import { createUpstreamTransport, fetchError } from "../../src/upstream/transport.ts";
import { ConnectionClosedError, Http1Client } from "../../src/upstream/http1/client.ts";
import { TransportError } from "../../src/upstream/types.ts";
import { MalformedResponseError } from "../../src/upstream/http1/head.ts";

function transportWith(env: Record<string, string>) {
  const transport = createUpstreamTransport("plexus-test", (name) => env[name]);
  transport.close();
  return transport.name;
}

Deno.test("provider calls use the built-in HTTP/1.1 client unless a proxy or fetch is asked for", () => {
  assert.equal(transportWith({}), "http1");
  assert.equal(transportWith({ HTTPS_PROXY: "http://proxy:3128" }), "fetch");
  assert.equal(transportWith({ http_proxy: "http://proxy:3128" }), "fetch");
  assert.equal(transportWith({ ALL_PROXY: "socks5://proxy:1080" }), "fetch");
  assert.equal(transportWith({ HTTPS_PROXY: "" }), "http1", "an empty variable is no proxy");
  assert.equal(transportWith({ PLEXUS_UPSTREAM_CLIENT: "fetch" }), "fetch");
  assert.equal(
    transportWith({ HTTPS_PROXY: "http://proxy:3128", PLEXUS_UPSTREAM_CLIENT: "http1" }),
    "http1",
  );
});

Deno.test("transport failures say their kind and phase as values, not message text", () => {
  const malformed = new MalformedResponseError("bad status line");
  assert.ok(malformed instanceof TransportError);
  assert.equal(malformed.kind, "malformed");
  assert.equal(malformed.phase, "exchange");
  assert.equal(new MalformedResponseError("bad chunk size", "body").phase, "body");
  const closed = new ConnectionClosedError();
  assert.equal(closed.kind, "reset");
});

Deno.test("a fetch failure is classified by the reason in its cause chain", () => {
  const cases: Array<[string, TransportError["kind"]]> = [
    ["Connection refused (os error 111)", "refused"],
    ["connection closed before message completed", "reset"],
    ["dns error: failed to lookup address information", "dns"],
    ["invalid peer certificate: UnknownIssuer", "tls"],
    ["something else", "other"],
  ];
  for (const [reason, kind] of cases) {
    const error = fetchError(new TypeError("fetch failed", { cause: new Error(reason) }));
    assert.equal(error.kind, kind, reason);
    assert.equal(error.phase, "exchange");
  }
});

Deno.test("the HTTP/1.1 client's failures carry kind and phase: refused at connect, reset before the head", async () => {
  const client = new Http1Client({ maxIdlePerOrigin: 1, idleTimeoutMs: 1000, userAgent: "t" });
  const init = { method: "POST", headers: {}, body: "{}", signal: new AbortController().signal };
  const closedPort = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = closedPort.addr;
  closedPort.close();
  const refused = await client.request(`http://127.0.0.1:${port}/`, init).catch((e) => e);
  assert.ok(refused instanceof TransportError, String(refused));
  assert.deepEqual([refused.kind, refused.phase], ["refused", "connect"]);

  const hangUp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = (async () => {
    for await (const conn of hangUp) conn.close();
  })();
  const reset = await client.request(`http://127.0.0.1:${hangUp.addr.port}/`, init).catch((e) => e);
  assert.ok(reset instanceof TransportError, String(reset));
  assert.deepEqual([reset.kind, reset.phase], ["reset", "exchange"]);
  hangUp.close();
  await accepting.catch(() => {});
  client.close();
});
