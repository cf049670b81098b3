import assert from "node:assert/strict";
import { chatFrames, messagesFrames, STREAM_CHUNKS } from "../../bench/canned.ts";
import { allScenarios, baselineOf, gatewayConfig, requestBody } from "../../bench/scenarios.ts";

Deno.test("every gateway scenario is compared with the direct run of the API it calls upstream", () => {
  const all = allScenarios();
  const gateway = all.filter((s) => !s.direct);
  assert.equal(gateway.length, 8, "4 routes, each plain and streamed");
  for (const scenario of gateway) {
    const baseline = baselineOf(scenario, all);
    assert.ok(baseline !== undefined, scenario.name);
    assert.equal(baseline.direct, true);
    assert.equal(baseline.apiIn, scenario.apiOut, scenario.name);
    assert.equal(baseline.stream, scenario.stream, scenario.name);
  }
});

Deno.test("a streamed canned answer carries exactly 20 content deltas in each dialect", () => {
  const chatDeltas = chatFrames().filter((f) => /"delta":\{"content":"word/.test(f));
  const messageDeltas = messagesFrames().filter((f) => f.includes('"type":"text_delta"'));
  assert.equal(chatDeltas.length, STREAM_CHUNKS);
  assert.equal(messageDeltas.length, STREAM_CHUNKS);
  assert.equal(chatFrames().at(-1), "data: [DONE]\n\n");
  assert.ok(messagesFrames().at(-1)?.startsWith("event: message_stop\n"));
});

Deno.test("request bodies carry the stream flag in the compact form the fake upstream looks for", () => {
  assert.ok(requestBody("chat", "m", true).includes('"stream":true'));
  assert.ok(requestBody("messages", "m", true).includes('"stream":true'));
  assert.ok(!requestBody("messages", "m", false).includes('"stream":true'));
  const messages: unknown = JSON.parse(requestBody("messages", "m", false));
  assert.equal((messages as { max_tokens?: unknown }).max_tokens, 256, "Anthropic needs it");
});

Deno.test("the generated gateway config routes each alias to the fake upstream's matching API", () => {
  const config: unknown = JSON.parse(gatewayConfig(4100, 4200, "/tmp/d"));
  const c = config as {
    providers: Record<string, { api: string; base_url: string }>;
    models: Record<string, { targets: Array<{ provider: string }> }>;
  };
  assert.equal(c.providers[c.models["to-chat"].targets[0].provider].api, "chat");
  assert.equal(c.providers[c.models["to-messages"].targets[0].provider].api, "messages");
  for (const provider of Object.values(c.providers)) {
    assert.ok(provider.base_url.startsWith("http://127.0.0.1:4200"));
  }
});
