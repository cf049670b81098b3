/**
 * Large batches are split by each provider's per-call maximum and reassembled in input order,
 * a few calls at a time; answers are put in order by `index`; base64 is produced when the
 * upstream gave floats; a failing target falls back to the next and cools down.
 */
import assert from "node:assert/strict";
import { TEST_KEY } from "../support/config.ts";
import { fakeVector, OPENAI_KEY } from "../support/fake_embeddings.ts";
import { openaiClient } from "./clients.ts";
import { MAX_CONCURRENT_CALLS } from "../../src/gateway/embedding_calls.ts";
import { postJson, startEmbeddingsWorld } from "./embeddings_support.ts";

const texts = (n: number) => Array.from({ length: n }, (_, i) => `document number ${i}`);

function base64ToFloats(text: string): number[] {
  const binary = atob(text);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

Deno.test("embeddings: 950 OpenAI inputs reach Gemini as 10 batches of <= 100, in order", async () => {
  const world = await startEmbeddingsWorld({ delayMs: 40 });
  try {
    const input = texts(950);
    const answer = await openaiClient(world.gateway.url).embeddings.create({
      model: "embed-gemini",
      input,
    });
    assert.equal(answer.data.length, 950);
    answer.data.forEach((d, i) => {
      assert.equal(d.index, i);
      assert.deepEqual(d.embedding, fakeVector(input[i]));
    });
    const sizes = world.fake.calls.map((c) => (c.body.requests as unknown[]).length);
    assert.deepEqual(sizes.toSorted((a, b) => b - a), [
      100,
      100,
      100,
      100,
      100,
      100,
      100,
      100,
      100,
      50,
    ]);
    const sent = world.fake.calls.flatMap((c) =>
      (c.body.requests as Array<{ content: { parts: Array<{ text: string }> } }>).map((r) =>
        r.content.parts[0].text
      )
    );
    assert.deepEqual(sent.toSorted(), input.toSorted(), "every input sent exactly once");
    assert.ok(world.fake.maxInFlight <= MAX_CONCURRENT_CALLS, `${world.fake.maxInFlight}`);
    assert.ok(world.fake.maxInFlight >= 2, "calls overlap");
    const [record] = await world.gateway.waitForRecords(1);
    assert.equal(record.attempts.length, 1, "one attempt however many calls");
    assert.equal(record.usageSource, "estimated");
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: an OpenAI answer listed out of order is put back in order by index", async () => {
  const world = await startEmbeddingsWorld({ reverseOrder: true });
  try {
    const input = texts(5);
    const answer = await openaiClient(world.gateway.url).embeddings.create({
      model: "embed-chat",
      input,
    });
    assert.deepEqual(answer.data.map((d) => d.embedding), input.map((t) => fakeVector(t)));
    const upstream = world.fake.calls[0];
    assert.equal(upstream.body.encoding_format, "base64", "the SDK's own encoding went upstream");
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: base64 for an OpenAI client whose vectors came from Gemini as floats", async () => {
  const world = await startEmbeddingsWorld();
  try {
    const { status, body } = await postJson(world.gateway.url, "/v1/embeddings", {
      model: "embed-gemini",
      input: ["alpha", "beta"],
      encoding_format: "base64",
      dimensions: 12,
    });
    assert.equal(status, 200);
    const data = body.data as Array<{ embedding: string; index: number }>;
    assert.equal(typeof data[0].embedding, "string");
    assert.deepEqual(base64ToFloats(data[0].embedding), fakeVector("alpha", 12));
    assert.deepEqual(base64ToFloats(data[1].embedding), fakeVector("beta", 12));
    const requests = world.fake.calls[0].body.requests as Array<Record<string, unknown>>;
    assert.equal(requests[0].outputDimensionality, 12, "dimensions -> outputDimensionality");
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: Gemini requests with different outputDimensionality split per OpenAI call", async () => {
  const world = await startEmbeddingsWorld();
  try {
    const request = (text: string, size: number) => ({
      model: "models/embed-chat",
      content: { parts: [{ text }] },
      outputDimensionality: size,
    });
    const { status, body } = await postJson(
      world.gateway.url,
      "/v1beta/models/embed-chat:batchEmbedContents",
      { requests: [request("a", 4), request("b", 6), request("c", 4)] },
    );
    assert.equal(status, 200);
    assert.deepEqual(body.embeddings, [
      { values: fakeVector("a", 4) },
      { values: fakeVector("b", 6) },
      { values: fakeVector("c", 4) },
    ]);
    const calls = world.fake.calls.map((c) => [c.body.input, c.body.dimensions]);
    assert.deepEqual(calls.toSorted((x, y) => String(x).localeCompare(String(y))), [
      [["a", "c"], 4],
      [["b"], 6],
    ]);
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: token-id inputs go to an OpenAI-compatible provider unchanged", async () => {
  const world = await startEmbeddingsWorld();
  try {
    const answer = await openaiClient(world.gateway.url).embeddings.create({
      model: "embed-chat",
      input: [[15339, 1917], [791]],
      encoding_format: "float",
    });
    assert.equal(answer.data.length, 2);
    assert.deepEqual(world.fake.calls[0].body.input, [[15339, 1917], [791]]);
    assert.equal(answer.usage.prompt_tokens, 3, "the provider's count");
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: a failing target falls back to the next, which then serves, and cools down", async () => {
  const world = await startEmbeddingsWorld(
    { failFirst: { calls: 1, status: 500, body: { error: { message: `bad ${OPENAI_KEY}` } } } },
    (config) => {
      config.models["embed-any"] = {
        name: "embed-any",
        selector: "in_order",
        targets: [
          { provider: "p_chat", model: "text-embedding-3-small", weight: 1, enabled: true },
          { provider: "p_gemini", model: "gemini-embedding-001", weight: 1, enabled: true },
        ],
      };
    },
  );
  try {
    const answer = await openaiClient(world.gateway.url).embeddings.create({
      model: "embed-any",
      input: "hello world",
    });
    assert.deepEqual(answer.data[0].embedding, fakeVector("hello world"));
    assert.deepEqual(world.fake.calls.map((c) => c.api), ["openai", "gemini"]);
    const [record] = await world.gateway.waitForRecords(1);
    assert.deepEqual(record.attempts.map((a) => [a.provider, a.status]), [
      ["p_chat", 500],
      ["p_gemini", 200],
    ]);
    assert.ok(!JSON.stringify(record).includes(OPENAI_KEY), "the provider key is redacted");
    assert.equal(record.provider, "p_gemini");

    // The failed target cools down: the next request goes straight to Gemini.
    await openaiClient(world.gateway.url).embeddings.create({ model: "embed-any", input: "x" });
    assert.deepEqual(world.fake.calls.map((c) => c.api), ["openai", "gemini", "gemini"]);
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: a provider's 400 is the client's answer, without fallback", async () => {
  const world = await startEmbeddingsWorld({
    failFirst: {
      calls: 1,
      status: 400,
      body: { error: { code: 400, message: "text too long", status: "INVALID_ARGUMENT" } },
    },
  });
  try {
    const response = await fetch(`${world.gateway.url}/v1beta/models/embed-gemini:embedContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": TEST_KEY },
      body: JSON.stringify({ content: { parts: [{ text: "long" }] } }),
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.status, "INVALID_ARGUMENT");
    assert.match(body.error.message, /text too long/);
    assert.equal(world.fake.calls.length, 1);
    const [record] = await world.gateway.waitForRecords(1);
    assert.equal(record.status, 400);
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: a client that leaves before the answer is logged once as 499", async () => {
  const world = await startEmbeddingsWorld({ delayMs: 300 });
  try {
    // A small body: Deno's server notices a closed connection during a handler only when the
    // request was small (with ~500 bytes and more, only when it writes the answer).
    const body = JSON.stringify({ model: "embed-gemini", input: ["a", "b"] });
    const port = Number(new URL(world.gateway.url).port);
    const socket = await Deno.connect({ hostname: "127.0.0.1", port });
    await socket.write(new TextEncoder().encode(
      `POST /v1/embeddings HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TEST_KEY}\r\n` +
        `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    ));
    while (world.fake.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    socket.close();
    const [record] = await world.gateway.waitForRecords(1);
    assert.equal(record.status, 499);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(world.gateway.records.length, 1, "exactly one usage record");
    assert.equal(world.fake.calls.length, 1);
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: one failed call of a split batch fails the target and stops the rest", async () => {
  const world = await startEmbeddingsWorld({
    failFirst: { calls: 1, status: 503, body: { error: { code: 503, message: "overloaded" } } },
  });
  try {
    const { status, body } = await postJson(world.gateway.url, "/v1/embeddings", {
      model: "embed-gemini",
      input: texts(950),
    });
    assert.equal(status, 503);
    assert.match(String((body.error as Record<string, unknown>).message), /overloaded/);
    assert.ok(world.fake.calls.length < 10, `${world.fake.calls.length} calls: the rest stopped`);
    const records = await world.gateway.waitForRecords(1);
    assert.equal(records.length, 1);
    assert.deepEqual(records[0].attempts.map((a) => a.status), [503]);
  } finally {
    await world.close();
  }
});
