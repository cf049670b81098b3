import assert from "node:assert/strict";
import { createUpstreamTransport } from "../../src/upstream/transport.ts";
import { describeNetworkError } from "../../src/upstream/call.ts";
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

Deno.test("a malformed upstream response is described as such, not as a connection failure", () => {
  const error = new MalformedResponseError("bad status line");
  assert.equal(describeNetworkError(error), "malformed HTTP response");
});
