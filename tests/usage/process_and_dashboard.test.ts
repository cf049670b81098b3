/**
 * The process metrics and build info every Prometheus client exports, and the Grafana dashboard
 * under deploy/: every metric it charts is one `/metrics` exports.
 */
import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { parsePrometheus, sum } from "../support/prometheus_text.ts";

async function scrape(base: string): Promise<string> {
  const response = await fetch(`${base}/metrics`, {
    headers: { authorization: "Bearer test-admin-key" },
  });
  assert.equal(response.status, 200);
  return response.text();
}

async function exercise(base: string): Promise<void> {
  for (const [model, stream] of [["p/m", false], ["p/m", true], ["nope", false]] as const) {
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] }),
    });
    await response.body?.cancel();
  }
}

Deno.test("process_* metrics and plexus_build_info describe the running process", async () => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(
    testConfig({ p: { api: "chat", baseUrl: `${fake.url}/v1`, models: ["m"] } }),
    { health: ALWAYS_HEALTHY },
  );
  try {
    const { samples, types } = parsePrometheus(await scrape(gateway.url));
    assert.equal(types.get("process_cpu_seconds_total"), "counter");
    assert.ok(sum(samples, "process_cpu_seconds_total") > 0);
    const rss = sum(samples, "process_resident_memory_bytes");
    assert.ok(rss > 10e6 && rss < 4e9, `rss ${rss}`);
    const start = sum(samples, "process_start_time_seconds");
    assert.ok(start <= Date.now() / 1000 && start > Date.now() / 1000 - 3600, `start ${start}`);
    if (Deno.build.os === "linux") {
      const open = sum(samples, "process_open_fds");
      const max = sum(samples, "process_max_fds");
      assert.ok(open > 2 && open < max, `open ${open}, max ${max}`);
    }
    const build = samples.find((s) => s.name === "plexus_build_info");
    assert.equal(build?.value, 1);
    assert.equal(build?.labels.version, denoJson.version);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("every metric the Grafana dashboard queries is exported by /metrics", async () => {
  const dashboard = JSON.parse(
    await Deno.readTextFile(new URL("../../deploy/grafana/plexus-dashboard.json", import.meta.url)),
  ) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
  const fake = await startFakeUpstream();
  const gateway = await startGateway(
    testConfig({ p: { api: "chat", baseUrl: `${fake.url}/v1`, models: ["m"] } }),
    { health: ALWAYS_HEALTHY },
  );
  try {
    await exercise(gateway.url);
    await gateway.waitForRecords(3);
    const { types } = parsePrometheus(await scrape(gateway.url));
    let queried = 0;
    for (const panel of dashboard.panels) {
      assert.ok(panel.targets.length > 0, `panel ${panel.title} has a query`);
      for (const { expr } of panel.targets) {
        for (const [name] of expr.matchAll(/\b(?:plexus|process)_[a-z_]+/g)) {
          const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, "");
          assert.ok(types.has(family), `${panel.title}: ${name} is not exported`);
          if (family !== name) assert.equal(types.get(family), "histogram", name);
          queried++;
        }
      }
    }
    assert.ok(queried >= 20, `the dashboard queries ${queried} metrics`);
  } finally {
    await gateway.close();
    await fake.close();
  }
});
