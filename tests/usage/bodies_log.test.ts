import assert from "node:assert/strict";
import { startServer } from "../../src/http/server.ts";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import { configuredSecrets, redact, REDACTED } from "../../src/usage/redact.ts";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";

Deno.test("redaction removes configured secrets inside strings and credential-named fields", () => {
  const secrets = ["sk-live-123456", "client-secret-abc"];
  const out = JSON.parse(JSON.stringify(redact({
    messages: [{ content: "my key is sk-live-123456, keep it" }],
    api_key: "anything",
    max_tokens: 10,
    nested: { Authorization: "Bearer x", note: "client-secret-abc" },
  }, secrets)));
  assert.deepEqual(out, {
    messages: [{ content: `my key is ${REDACTED}, keep it` }],
    api_key: REDACTED,
    max_tokens: 10,
    nested: { Authorization: REDACTED, note: REDACTED },
  });
});

Deno.test("the secrets to redact include client, admin and provider keys", () => {
  const config = testConfig({ a: { api: "chat", baseUrl: "http://x", models: ["m"] } });
  const secrets = configuredSecrets(config);
  assert.ok(secrets.includes(TEST_KEY));
  assert.ok(secrets.includes("test-admin-key"));
  assert.ok(secrets.includes("upstream-key-a"));
});

async function bodyLines(dataDir: string): Promise<Record<string, unknown>[]> {
  const out = [];
  for await (const entry of Deno.readDir(`${dataDir}/logs/bodies`)) {
    const text = await Deno.readTextFile(`${dataDir}/logs/bodies/${entry.name}`);
    out.push(...text.trim().split("\n").map((l) => JSON.parse(l)));
  }
  return out;
}

Deno.test("bodies are logged to their own file only when logging.bodies is on, without secrets", async () => {
  const fake = await startFakeUpstream();
  for (const bodies of [false, true]) {
    const config = testConfig(
      { oa: { api: "chat", baseUrl: `${fake.url}/v1`, models: ["m"] } },
      {},
      { logging: { bodies } },
    );
    const server = await startServer(config, { health: ALWAYS_HEALTHY });
    try {
      const response = await fetch(`http://127.0.0.1:${server.addr.port}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: "oa/m",
          messages: [{ role: "user", content: `echo ${TEST_KEY} please` }],
        }),
      });
      await response.json();
    } finally {
      await server.shutdown();
    }
    if (!bodies) {
      await assert.rejects(Deno.stat(`${config.server.dataDir}/logs/bodies`), Deno.errors.NotFound);
      continue;
    }
    const lines = await bodyLines(config.server.dataDir);
    assert.equal(lines.length, 1);
    if (Deno.build.os !== "windows") {
      const day = new Date().toISOString().slice(0, 10);
      const info = await Deno.stat(`${config.server.dataDir}/logs/bodies/${day}.jsonl`);
      assert.equal(
        (info.mode ?? 0) & 0o777,
        0o600,
        "prompts are readable by the server's user only",
      );
    }
    const text = JSON.stringify(lines[0]);
    assert.ok(!text.includes(TEST_KEY), "the client key is removed");
    assert.ok(text.includes(`echo ${REDACTED} please`));
    assert.equal(lines[0].response_streamed, false);
    assert.ok(text.includes("Hello from chat fake"), "the answer is there");
    const usage = await Deno.readTextFile(
      `${config.server.dataDir}/logs/usage/${new Date().toISOString().slice(0, 10)}.jsonl`,
    );
    assert.ok(!usage.includes("echo"), "the usage log never holds bodies");
  }
  await fake.close();
});
