/** The YAML for trusted proxies, CORS and the config watch: validated with line and column. */
import assert from "node:assert/strict";
import { parseConfigText } from "../../src/config/load.ts";

Deno.test("server.trusted_proxies and server.cors are read, with defaults when absent", () => {
  const on = parseConfigText(
    [
      "server:",
      "  watch_config: true",
      "  trusted_proxies: [10.0.0.0/8, '::1']",
      "  cors:",
      "    origins: [https://app.example.com, 'http://localhost:5173']",
      "",
    ].join("\n"),
    "/etc/plexus.yaml",
  );
  assert.ok(on.ok);
  assert.equal(on.config.server.watchConfig, true);
  assert.deepEqual(on.config.server.trustedProxies, ["10.0.0.0/8", "::1"]);
  assert.deepEqual(on.config.server.cors, {
    origins: ["https://app.example.com", "http://localhost:5173"],
  });
  const off = parseConfigText("server: {}\n", "/etc/plexus.yaml");
  assert.ok(off.ok);
  assert.equal(off.config.server.watchConfig, false);
  assert.deepEqual(off.config.server.trustedProxies, []);
  assert.equal(off.config.server.cors, undefined);
});

Deno.test("a bad CIDR or origin is a problem at its line and column", () => {
  const result = parseConfigText(
    [
      "server:",
      "  trusted_proxies: [10.0.0.0/8, 10.0.0.0/40]",
      "  cors:",
      "    origins: [https://app.example.com/path]",
      "",
    ].join("\n"),
    "/etc/plexus.yaml",
  );
  assert.ok(!result.ok);
  const found = result.problems.map((p) => [p.line, p.col, p.path]);
  assert.deepEqual(found, [
    [2, 33, "server.trusted_proxies[1]"],
    [4, 15, "server.cors.origins[0]"],
  ]);
  assert.match(result.problems[0].message, /CIDR/);
  assert.match(result.problems[1].message, /origin/);
});
