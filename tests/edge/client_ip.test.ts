/** `server.trusted_proxies`: forwarding headers count only when the peer is a trusted proxy. */
import assert from "node:assert/strict";
import { cidrContains, parseCidr, parseIp } from "../../src/edge/cidr.ts";
import { TrustedProxies } from "../../src/edge/client_ip.ts";
import { OK } from "../resilience/helpers.ts";
import { testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";

Deno.test("CIDR ranges match IPv4, IPv6 and IPv4-mapped IPv6 addresses", () => {
  const cases: Array<[string, string, boolean]> = [
    ["10.0.0.0/8", "10.200.3.4", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["192.168.1.7", "192.168.1.7", true],
    ["192.168.1.7", "192.168.1.8", false],
    ["10.0.0.0/8", "::ffff:10.1.2.3", true],
    ["::1/128", "::1", true],
    ["fd00::/8", "fd12:3456::1", true],
    ["fd00::/8", "fe80::1", false],
    ["0.0.0.0/0", "203.0.113.9", true],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
  ];
  for (const [range, address, inside] of cases) {
    const cidr = parseCidr(range);
    assert.ok(cidr, range);
    assert.equal(cidrContains(cidr, parseIp(address)!), inside, `${address} in ${range}`);
  }
  for (const bad of ["10.0.0.0/33", "300.1.1.1", "10.0.0/8", "::1/129", "1:2:3:4:5:6:7:8:9", "x"]) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
});

Deno.test("the client address walks the forwarding chain from the right, over trusted hops only", () => {
  const trusted = new TrustedProxies(["10.0.0.0/8", "::1"]);
  const ip = (peer: string, headers: Record<string, string>) =>
    trusted.clientIp(peer, new Headers(headers));
  // An untrusted peer's headers are ignored: a client cannot claim another address.
  assert.equal(ip("203.0.113.5", { "x-forwarded-for": "1.2.3.4" }), "203.0.113.5");
  assert.equal(ip("10.0.0.2", { "x-forwarded-for": "198.51.100.7" }), "198.51.100.7");
  // The client prepended a lie; the trusted proxy appended what it saw.
  assert.equal(
    ip("10.0.0.2", { "x-forwarded-for": "1.1.1.1, 198.51.100.7, 10.0.0.9" }),
    "198.51.100.7",
  );
  assert.equal(
    ip("10.0.0.2", { forwarded: 'for=1.1.1.1, for="[2001:db8:cafe::17]:4711";proto=https' }),
    "2001:db8:cafe::17",
  );
  assert.equal(ip("10.0.0.2", { forwarded: "for=192.0.2.60:8080;by=10.0.0.2" }), "192.0.2.60");
  // Forwarded wins over X-Forwarded-For when both are present.
  assert.equal(
    ip("10.0.0.2", { forwarded: "for=192.0.2.60", "x-forwarded-for": "192.0.2.99" }),
    "192.0.2.60",
  );
  // Obfuscated or unknown hops stop the walk at the last address known.
  assert.equal(ip("10.0.0.2", { forwarded: "for=unknown" }), "10.0.0.2");
  assert.equal(ip("10.0.0.2", {}), "10.0.0.2");
  assert.equal(ip("::1", { "x-forwarded-for": "192.0.2.1" }), "192.0.2.1");
  // No trusted proxies: always the peer.
  assert.equal(
    new TrustedProxies([]).clientIp("10.0.0.2", new Headers({ "x-forwarded-for": "1.2.3.4" })),
    "10.0.0.2",
  );
});

Deno.test("the usage record's client_ip comes from X-Forwarded-For only when the peer is trusted", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault(OK);
  const provider = { p: { api: "chat" as const, baseUrl: `${fake.url}/v1`, models: ["m"] } };
  for (const trustedProxies of [["127.0.0.0/8"], ["10.0.0.0/8"]]) {
    const config = testConfig(provider);
    config.server.trustedProxies = trustedProxies;
    const gateway = await startGateway(config);
    try {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: {
          authorization: "Bearer test-client-key",
          "content-type": "application/json",
          "x-forwarded-for": "198.51.100.23",
        },
        body: JSON.stringify({ model: "p/m", messages: [{ role: "user", content: "hi" }] }),
      });
      assert.equal(response.status, 200);
      await response.body?.cancel();
      const [record] = await gateway.waitForRecords(1);
      const expected = trustedProxies[0] === "127.0.0.0/8" ? "198.51.100.23" : "127.0.0.1";
      assert.equal(record.clientIp, expected);
    } finally {
      await gateway.close();
    }
  }
  await fake.close();
});
