/** `GET /v0/config`: the effective configuration, with no secret in it anywhere. */
import assert from "node:assert/strict";
import { testConfig } from "../support/config.ts";
import { baseUrlView } from "../../src/admin/config_view.ts";
import { startGateway } from "../support/gateway.ts";
import { getJson, isRecord } from "./helpers.ts";

const SECRETS = {
  admin: "adm-9f8e7d6c5b4a",
  client: "cli-1a2b3c4d5e6f",
  provider: "sk-prov-0011223344",
  header: "hdr-value-5566778899",
  inUrl: "tok-url-abcdefabcdef",
};

function secretConfig() {
  return testConfig(
    {
      openai: {
        api: "chat",
        baseUrl: `http://127.0.0.1:9/v1?token=${SECRETS.inUrl}`,
        models: ["gpt-x", "gpt-y"],
        apiKey: SECRETS.provider,
        headers: { "x-org-token": SECRETS.header },
        pricing: { "gpt-x": { input: 2.5, output: 10 } },
        timeouts: { firstByteMs: 1234, totalMs: 60_000 },
      },
      claude: {
        api: "messages",
        baseUrl: "http://127.0.0.1:9",
        models: ["c-1"],
        enabled: false,
      },
    },
    {
      smart: {
        selector: "lowest_latency",
        targets: [{ provider: "openai", model: "gpt-x" }, { provider: "claude", model: "c-1" }],
      },
    },
    {
      adminKey: SECRETS.admin,
      keys: [{ name: "team-a", secret: SECRETS.client }],
    },
  );
}

Deno.test("no secret (keys, headers, admin key, a token in a base URL) appears anywhere in /v0/config", async () => {
  const config = secretConfig();
  config.providers.claude.disabledReason = "api_key names ANTHROPIC_KEY, which is not set";
  const gateway = await startGateway(config);
  try {
    const response = await fetch(`${gateway.url}/v0/config`, {
      headers: { authorization: `Bearer ${SECRETS.admin}` },
    });
    assert.equal(response.status, 200);
    const text = await response.text();
    for (const [what, secret] of Object.entries(SECRETS)) {
      assert.ok(!text.includes(secret), `the ${what} secret leaked`);
    }
    const body: unknown = JSON.parse(text);
    assert.ok(isRecord(body));
    assert.equal(body.admin_key, "[redacted]");
    assert.deepEqual(body.keys, [{ name: "team-a", secret: "[redacted]" }]);
  } finally {
    await gateway.close();
  }
});

Deno.test("/v0/config shows providers, models with pricing, disabled reasons, timeouts and aliases", async () => {
  const config = secretConfig();
  config.providers.claude.disabledReason = "api_key names ANTHROPIC_KEY, which is not set";
  const gateway = await startGateway(config);
  try {
    const { body } = await getJson(`${gateway.url}/v0/config`, {
      "x-api-key": SECRETS.admin,
    });
    assert.ok(isRecord(body) && isRecord(body.providers) && isRecord(body.models));
    const openai = body.providers.openai;
    assert.ok(isRecord(openai));
    assert.equal(openai.api, "chat");
    assert.equal(openai.api_key, "[redacted]");
    assert.deepEqual(openai.headers, { "x-org-token": "[redacted]" });
    assert.equal(openai.base_url, "http://127.0.0.1:9/v1?token=[redacted]");
    assert.deepEqual(openai.models, {
      "gpt-x": {
        pricing: { input: 2.5, output: 10, cache_read: null, cache_write: null, reasoning: null },
      },
      "gpt-y": { pricing: null },
    });
    assert.deepEqual(openai.timeouts, {
      connect_ms: null,
      first_byte_ms: 1234,
      idle_ms: null,
      total_ms: 60_000,
    });
    const claude = body.providers.claude;
    assert.ok(isRecord(claude));
    assert.equal(claude.enabled, false);
    assert.match(String(claude.disabled_reason), /ANTHROPIC_KEY/);
    assert.deepEqual(body.models.smart, {
      selector: "lowest_latency",
      max_attempts: null,
      targets: [
        { provider: "openai", model: "gpt-x", weight: 1, enabled: true },
        { provider: "claude", model: "c-1", weight: 1, enabled: false },
      ],
    });
    assert.ok(isRecord(body.server));
    assert.equal(body.server.data_dir, config.server.dataDir);
  } finally {
    await gateway.close();
  }
});

Deno.test("a base URL keeps its host and path but hides its password and query values", () => {
  assert.equal(
    baseUrlView("https://user:pw-123456@llm.example/v1?key=abc&x=1"),
    "https://user:[redacted]@llm.example/v1?key=[redacted]&x=[redacted]",
  );
  assert.equal(baseUrlView("https://llm.example/v1beta"), "https://llm.example/v1beta");
});
