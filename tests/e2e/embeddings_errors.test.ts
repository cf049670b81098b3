/**
 * Bad embeddings requests get a clear 400 in the caller's dialect (OpenAI or Gemini error shape),
 * reach no provider, and leave exactly one usage record.
 */
import assert from "node:assert/strict";
import { APIError } from "openai";
import { ApiError } from "@google/genai";
import { geminiClient, openaiClient } from "./clients.ts";
import { postJson, startEmbeddingsWorld } from "./embeddings_support.ts";

interface BadCase {
  name: string;
  path: string;
  body: unknown;
  status: number;
  /** Words the message must contain. */
  says: RegExp;
}

const OPENAI_BAD: BadCase[] = [
  { name: "an empty string", body: { model: "embed-chat", input: "" }, says: /empty string/ },
  { name: "an empty array", body: { model: "embed-chat", input: [] }, says: /empty array/ },
  {
    name: "an empty string in a batch",
    body: { model: "embed-chat", input: ["fine", ""] },
    says: /input\[1\].*empty string/,
  },
  {
    name: "a batch over 2048 inputs",
    body: { model: "embed-chat", input: Array.from({ length: 2049 }, (_, i) => `t${i}`) },
    says: /at most 2048/,
  },
  { name: "no input", body: { model: "embed-chat" }, says: /input: required/ },
  { name: "no model", body: { input: "hi" }, says: /model: required/ },
  {
    name: "a bad encoding_format",
    body: { model: "embed-chat", input: "hi", encoding_format: "hex" },
    says: /encoding_format/,
  },
  {
    name: "dimensions that are not a positive integer",
    body: { model: "embed-chat", input: "hi", dimensions: 0 },
    says: /dimensions/,
  },
  {
    name: "mixed strings and token ids",
    body: { model: "embed-chat", input: ["a", [1, 2]] },
    says: /input\[1\]/,
  },
  {
    name: "a model that is not an embedding model",
    body: { model: "chatty", input: "hi" },
    says: /not an embedding model/,
  },
  {
    name: "token ids for a Gemini model",
    body: { model: "embed-gemini", input: [[1, 2, 3]] },
    says: /token-id inputs cannot be sent to a Gemini/,
  },
].map((c) => ({ ...c, path: "/v1/embeddings", status: 400 }));

const geminiBody = (requests: number) => ({
  requests: Array.from({ length: requests }, (_, i) => ({
    model: "models/embed-gemini",
    content: { parts: [{ text: `text ${i}` }] },
  })),
});

const GEMINI_BAD: BadCase[] = [
  {
    name: "an empty text",
    path: "/v1beta/models/embed-gemini:embedContent",
    body: { content: { parts: [{ text: "" }] } },
    says: /must not be empty/,
  },
  {
    name: "no content",
    path: "/v1beta/models/embed-gemini:embedContent",
    body: {},
    says: /content: required/,
  },
  {
    name: "a batch over 100 requests",
    path: "/v1beta/models/embed-gemini:batchEmbedContents",
    body: geminiBody(101),
    says: /at most 100 requests/,
  },
  {
    name: "an empty batch",
    path: "/v1beta/models/embed-gemini:batchEmbedContents",
    body: { requests: [] },
    says: /non-empty array/,
  },
  {
    name: "a batch request naming another model",
    path: "/v1beta/models/embed-gemini:batchEmbedContents",
    body: { requests: [{ model: "models/other", content: { parts: [{ text: "x" }] } }] },
    says: /does not match the model of the URL/,
  },
  {
    name: "a model that is not an embedding model",
    path: "/v1beta/models/chatty:embedContent",
    body: { content: { parts: [{ text: "hi" }] } },
    says: /not an embedding model/,
  },
].map((c) => ({ ...c, status: 400 }));

Deno.test("embeddings: bad OpenAI requests are 400s in the OpenAI error shape", async () => {
  const world = await startEmbeddingsWorld();
  try {
    for (const bad of OPENAI_BAD) {
      const { status, body } = await postJson(world.gateway.url, bad.path, bad.body);
      assert.equal(status, bad.status, bad.name);
      const error = body.error as Record<string, unknown>;
      assert.equal(error.type, "invalid_request_error", bad.name);
      assert.match(String(error.message), bad.says, bad.name);
    }
    const records = await world.gateway.waitForRecords(OPENAI_BAD.length);
    assert.equal(records.length, OPENAI_BAD.length, "one usage record per request");
    assert.ok(records.every((r) => r.status === 400 && r.kind === "embedding"));
    assert.equal(world.fake.calls.length, 0, "no provider saw a bad request");
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: bad Gemini requests are 400s in the Gemini error shape", async () => {
  const world = await startEmbeddingsWorld();
  try {
    for (const bad of GEMINI_BAD) {
      const { status, body } = await postJson(world.gateway.url, bad.path, bad.body);
      assert.equal(status, bad.status, bad.name);
      const error = body.error as Record<string, unknown>;
      assert.equal(error.code, 400, bad.name);
      assert.equal(error.status, "INVALID_ARGUMENT", bad.name);
      assert.match(String(error.message), bad.says, bad.name);
    }
    const records = await world.gateway.waitForRecords(GEMINI_BAD.length);
    assert.equal(records.length, GEMINI_BAD.length);
    assert.ok(records.every((r) => r.apiIn === "gemini" && r.status === 400));
    assert.equal(world.fake.calls.length, 0);
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: the official SDKs surface the 400s as their own API errors", async () => {
  const world = await startEmbeddingsWorld();
  try {
    await assert.rejects(
      openaiClient(world.gateway.url).embeddings.create({ model: "chatty", input: "hi" }),
      (error: unknown) => error instanceof APIError && error.status === 400,
    );
    await assert.rejects(
      geminiClient(world.gateway.url).models.embedContent({
        model: "embed-gemini",
        contents: Array.from({ length: 101 }, (_, i) => `t${i}`),
      }),
      (error: unknown) =>
        error instanceof ApiError && error.status === 400 && /at most 100/.test(error.message),
    );
    await assert.rejects(
      openaiClient(world.gateway.url).embeddings.create({ model: "nope", input: "hi" }),
      (error: unknown) => error instanceof APIError && error.status === 404,
    );
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: a request without a client key is a 401 and reaches no provider", async () => {
  const world = await startEmbeddingsWorld();
  try {
    const response = await fetch(`${world.gateway.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "embed-chat", input: "hi" }),
    });
    assert.equal(response.status, 401);
    await response.body?.cancel();
    const [record] = await world.gateway.waitForRecords(1);
    assert.equal(record.status, 401);
    assert.equal(world.fake.calls.length, 0);
  } finally {
    await world.close();
  }
});

Deno.test("embeddings: a chat request for an embedding model is a 400 that names the endpoint", async () => {
  const world = await startEmbeddingsWorld();
  try {
    await assert.rejects(
      openaiClient(world.gateway.url).chat.completions.create({
        model: "embed-chat",
        messages: [{ role: "user", content: "hi" }],
      }),
      (error: unknown) =>
        error instanceof APIError && error.status === 400 && /\/v1\/embeddings/.test(error.message),
    );
    assert.equal(world.fake.calls.length, 0);
  } finally {
    await world.close();
  }
});
