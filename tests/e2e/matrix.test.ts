/**
 * Every client API against every provider API, streamed and not, through a real Plexus server:
 * the official SDKs on one side, the fake upstream speaking each provider's wire on the other.
 */
import assert from "node:assert/strict";
import { INBOUND_API_NAMES, type InboundApiName } from "../../src/codecs/registry.ts";
import { TEST_KEY, testConfig, UPSTREAM_BASE_PATH } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { ask, NORMAL_STOP, TOOL_STOP } from "./clients.ts";

/** The header that must carry the provider's key, and how. */
const UPSTREAM_AUTH: Record<InboundApiName, [string, (key: string) => string]> = {
  chat: ["authorization", (k) => `Bearer ${k}`],
  messages: ["x-api-key", (k) => k],
  responses: ["authorization", (k) => `Bearer ${k}`],
  gemini: ["x-goog-api-key", (k) => k],
};

async function withMatrix(
  fn: (ctx: {
    gatewayUrl: string;
    fake: Awaited<ReturnType<typeof startFakeUpstream>>;
  }) => Promise<void>,
): Promise<void> {
  const fake = await startFakeUpstream();
  const providers = Object.fromEntries(
    INBOUND_API_NAMES.map((api) => [`p_${api}`, {
      api,
      baseUrl: fake.url + UPSTREAM_BASE_PATH[api],
      models: [`up-${api}`],
    }]),
  );
  const gateway = await startGateway(testConfig(providers));
  try {
    await fn({ gatewayUrl: gateway.url, fake });
  } finally {
    await gateway.close();
    await fake.close();
  }
}

interface Pair {
  client: InboundApiName;
  provider: InboundApiName;
  stream: boolean;
  gatewayUrl: string;
  fake: Awaited<ReturnType<typeof startFakeUpstream>>;
}

/** Runs `check` as one step per client API × provider API × streamed or not. */
async function forEveryPair(
  t: Deno.TestContext,
  check: (pair: Pair) => Promise<void>,
): Promise<void> {
  await withMatrix(async ({ gatewayUrl, fake }) => {
    for (const client of INBOUND_API_NAMES) {
      for (const provider of INBOUND_API_NAMES) {
        for (const stream of [false, true]) {
          await t.step(`${client} → ${provider}${stream ? " (stream)" : ""}`, async () => {
            fake.reset();
            await check({ client, provider, stream, gatewayUrl, fake });
          });
        }
      }
    }
  });
}

Deno.test("every client API reaches every provider API with text, streamed and not", async (t) => {
  await forEveryPair(t, async ({ client, provider, stream, gatewayUrl, fake }) => {
    const answer = await ask(client, gatewayUrl, {
      model: `p_${provider}/up-${provider}`,
      prompt: "Say hello, please",
      system: "You are terse.",
      stream,
    });
    assert.equal(answer.text, `Hello from ${provider} fake`);
    assert.equal(answer.stop, NORMAL_STOP[client]);
    assert.equal(answer.inputTokens, 12);
    assert.equal(answer.outputTokens, 5);
    if (stream) assert.ok(answer.events > 1, "the answer arrived as several events");

    const received = fake.lastRequest(provider);
    assert.ok(received, "the upstream was called");
    assert.equal(received.model, `up-${provider}`);
    assert.equal(received.stream, stream);
    const [header, format] = UPSTREAM_AUTH[provider];
    assert.equal(received.headers[header], format(`upstream-key-p_${provider}`));
    assert.ok(
      !JSON.stringify(received.headers).includes(TEST_KEY),
      "the client's key never reaches the provider",
    );
    assert.ok(received.rawBody.includes("Say hello, please"));
    assert.ok(received.rawBody.includes("You are terse."));
  });
});

Deno.test("a tool call streamed in pieces arrives whole at every kind of client", async (t) => {
  await forEveryPair(t, async ({ client, provider, stream, gatewayUrl, fake }) => {
    fake.enqueue({
      kind: "scenario",
      scenario: {
        text: [],
        toolCalls: [{
          id: "call_w1",
          name: "get_weather",
          argumentPieces: ['{"ci', 'ty": "Pa', 'ris"}'],
        }],
        stop: "tool_use",
      },
    });
    const answer = await ask(client, gatewayUrl, {
      model: `p_${provider}/up-${provider}`,
      prompt: "Weather in Paris?",
      stream,
      withTool: true,
    });
    assert.equal(answer.toolCalls.length, 1, JSON.stringify(answer));
    assert.equal(answer.toolCalls[0].name, "get_weather");
    assert.deepEqual(answer.toolCalls[0].args, { city: "Paris" });
    assert.equal(answer.stop, TOOL_STOP[client]);
    if (client !== "gemini") assert.ok(answer.toolCalls[0].id.length > 0);

    const received = fake.lastRequest(provider);
    assert.ok(received);
    assert.ok(received.rawBody.includes("get_weather"), "the tool was offered upstream");
    assert.ok(received.rawBody.includes("city"), "with its schema");
  });
});

Deno.test("cached and reasoning token counts reach every client in its own terms", async (t) => {
  await forEveryPair(t, async ({ client, provider, stream, gatewayUrl, fake }) => {
    fake.enqueue({
      kind: "scenario",
      scenario: { usage: { input: 100, output: 20, cacheRead: 30, reasoning: 5 } },
    });
    const answer = await ask(client, gatewayUrl, {
      model: `p_${provider}/up-${provider}`,
      prompt: "Count",
      stream,
    });
    assert.equal(answer.inputTokens, 100, "the whole prompt, cache included");
    assert.equal(answer.outputTokens, 20);
    assert.equal(answer.cacheReadTokens, 30);
    // Anthropic reports no separate reasoning count, and Anthropic clients cannot read one.
    if (provider !== "messages" && client !== "messages") {
      assert.equal(answer.reasoningTokens, 5);
    }
  });
});
