/**
 * Embeddings go through the same key scopes, rate limits and metrics as generation: a key
 * outside its scope gets a 403 and a key over its request rate a 429, each in the caller's
 * dialect and without a provider call; answered requests count their input tokens in /metrics.
 */
import assert from "node:assert/strict";
import { postJson, startEmbeddingsWorld } from "./embeddings_support.ts";

Deno.test("embeddings: key scope and requests_per_minute refuse in the caller's dialect", async () => {
  const world = await startEmbeddingsWorld({}, (config) => {
    config.keys = [{
      name: "tester",
      secret: "test-client-key",
      models: ["embed-chat"],
      limits: { requestsPerMinute: 1 },
    }];
  });
  try {
    const first = await postJson(world.gateway.url, "/v1/embeddings", {
      model: "embed-chat",
      input: "one",
    });
    assert.equal(first.status, 200);
    const second = await postJson(world.gateway.url, "/v1/embeddings", {
      model: "embed-chat",
      input: "two",
    });
    assert.equal(second.status, 429);
    assert.ok((second.body.error as Record<string, unknown>).message, "OpenAI error shape");
    const outside = await postJson(
      world.gateway.url,
      "/v1beta/models/embed-gemini:embedContent",
      { content: { parts: [{ text: "three" }] } },
    );
    assert.equal(outside.status, 403);
    assert.equal((outside.body.error as Record<string, unknown>).status, "PERMISSION_DENIED");
    assert.equal(world.fake.calls.length, 1, "refused requests reach no provider");
    const records = await world.gateway.waitForRecords(3);
    assert.deepEqual(records.map((r) => r.status).toSorted(), [200, 403, 429]);
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: /metrics counts an embedding's input tokens and cost", async () => {
  const world = await startEmbeddingsWorld({}, (config) => {
    config.metrics = { ...config.metrics, public: true };
  });
  try {
    const answer = await postJson(world.gateway.url, "/v1/embeddings", {
      model: "embed-chat",
      input: ["alpha beta gamma", "delta"],
    });
    assert.equal(answer.status, 200);
    await world.gateway.waitForRecords(1);
    const text = await fetch(`${world.gateway.url}/metrics`).then((r) => r.text());
    const line = text.split("\n").find((l) =>
      l.startsWith("plexus_tokens_total{") && l.includes('model="text-embedding-3-small"') &&
      l.includes('type="input"')
    );
    assert.ok(line !== undefined, "an input-token series for the embedding model");
    assert.equal(Number(line.split(" ").at(-1)), 4, "the provider's count: four words");
  } finally {
    await world.close();
  }
});
