/**
 * `POST /v1/messages/count_tokens` (used by coding agents) and `GET /v1/models/{id}` work with the
 * official SDKs: exact counts from an Anthropic target, an estimate from any other.
 */
import assert from "node:assert/strict";
import { testConfig } from "../support/config.ts";
import { startGateway } from "../support/gateway.ts";
import { anthropicClient, geminiClient, openaiClient } from "./clients.ts";

/** A minimal Anthropic count_tokens endpoint that records what it was sent. */
function startCounter() {
  const received: Array<{ path: string; body: Record<string, unknown>; key: string | null }> = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    received.push({
      path: new URL(req.url).pathname,
      body: await req.json(),
      key: req.headers.get("x-api-key"),
    });
    return Response.json({ input_tokens: 42 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, received, close: () => server.shutdown() };
}

Deno.test("count_tokens asks an Anthropic target, and estimates for others", async () => {
  const counter = startCounter();
  const gateway = await startGateway(testConfig(
    {
      claude: { api: "messages", baseUrl: counter.url, models: ["opus"] },
      gpt: { api: "chat", baseUrl: "http://127.0.0.1:9/v1", models: ["4o"] },
    },
    { smart: { targets: [{ provider: "claude", model: "opus" }] } },
  ));
  try {
    const client = anthropicClient(gateway.url);
    const messages = [{ role: "user" as const, content: "How many tokens is this sentence?" }];
    const exact = await client.messages.countTokens({ model: "smart", messages });
    assert.equal(exact.input_tokens, 42);
    assert.equal(counter.received[0].path, "/v1/messages/count_tokens");
    assert.equal(counter.received[0].body.model, "opus");
    assert.equal(counter.received[0].key, "upstream-key-claude");

    const estimate = await client.messages.countTokens({ model: "gpt/4o", messages });
    assert.ok(estimate.input_tokens > 5 && estimate.input_tokens < 40, `${estimate.input_tokens}`);
    assert.equal(counter.received.length, 1, "no upstream call for an estimate");

    await assert.rejects(
      client.messages.countTokens({ model: "nope", messages }),
      (error: unknown) => (error as { status?: number }).status === 404,
    );
  } finally {
    await gateway.close();
    await counter.close();
  }
});

Deno.test("a model can be retrieved by id, and an unknown one is a 404", async () => {
  const gateway = await startGateway(testConfig(
    { gpt: { api: "chat", baseUrl: "http://127.0.0.1:9/v1", models: ["4o"] } },
    { fast: { targets: [{ provider: "gpt", model: "4o" }] } },
  ));
  try {
    const client = openaiClient(gateway.url);
    assert.equal((await client.models.retrieve("fast")).owned_by, "plexus");
    assert.equal((await client.models.retrieve("gpt/4o")).owned_by, "gpt");
    await assert.rejects(
      client.models.retrieve("missing"),
      (error: unknown) => (error as { status?: number }).status === 404,
    );
    const anthropic = await anthropicClient(gateway.url).models.retrieve("fast");
    assert.equal(anthropic.type, "model");
  } finally {
    await gateway.close();
  }
});

Deno.test("the Gemini SDK counts tokens and lists models through Plexus", async () => {
  const counter = startCounter();
  const gateway = await startGateway(testConfig({
    g: { api: "gemini", baseUrl: counter.url + "/v1beta", models: ["flash"] },
    gpt: { api: "chat", baseUrl: "http://127.0.0.1:9/v1", models: ["4o"] },
  }));
  try {
    const ai = geminiClient(gateway.url);
    const contents = [{ role: "user", parts: [{ text: "How many tokens is this sentence?" }] }];
    const estimate = await ai.models.countTokens({ model: "gpt/4o", contents });
    assert.ok((estimate.totalTokens ?? 0) > 5, JSON.stringify(estimate));
    assert.equal(counter.received.length, 0);

    await ai.models.countTokens({ model: "g/flash", contents });
    assert.equal(counter.received.length, 1);
    assert.match(counter.received[0].path, /\/models\/flash:countTokens$/);

    const names = [];
    for await (const model of await ai.models.list()) names.push(model.name);
    assert.deepEqual(names.sort(), ["models/g/flash", "models/gpt/4o"]);
  } finally {
    await gateway.close();
    await counter.close();
  }
});
