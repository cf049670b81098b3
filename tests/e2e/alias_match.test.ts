/**
 * Claude Code asks for the model names it has built in (`claude-sonnet-4-5-20250929`, a haiku
 * model for side tasks); an alias's `match` list routes them without any client change.
 */
import assert from "node:assert/strict";
import { providerPerApi, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { anthropicClient } from "./clients.ts";

Deno.test("hard-coded model names reach the alias that lists them", async () => {
  const fake = await startFakeUpstream();
  const config = testConfig(providerPerApi(fake.url, ["big", "small"]), {
    coder: { targets: [{ provider: "p_chat", model: "big" }] },
    quick: { targets: [{ provider: "p_gemini", model: "small" }] },
  });
  config.models.coder.match = ["claude-sonnet-4-5-20250929", "claude-opus-*"];
  config.models.quick.match = ["claude-*haiku*"];
  const gateway = await startGateway(config);
  const client = anthropicClient(gateway.url);
  try {
    for (
      const [model, api, upstreamModel] of [
        ["claude-sonnet-4-5-20250929", "chat", "big"],
        ["claude-opus-4-1-20250805", "chat", "big"],
        ["claude-3-5-haiku-20241022", "gemini", "small"],
      ] as const
    ) {
      fake.reset();
      const message = await client.messages.create({
        model,
        max_tokens: 64,
        messages: [{ role: "user", content: "hi" }],
      });
      assert.ok(message.content.length > 0);
      assert.equal(fake.lastRequest(api)?.model, upstreamModel, model);
    }
    const records = await gateway.waitForRecords(3);
    assert.deepEqual(records.map((r) => r.alias), ["coder", "coder", "quick"]);
    await assert.rejects(() =>
      client.messages.create({
        model: "claude-instant-1",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      })
    );
  } finally {
    await gateway.close();
    await fake.close();
  }
});
