/**
 * The embeddings codecs' pure parts: float32 base64, reading upstream answers (order by index,
 * bad answers refused), request encoding both ways, and planning calls within per-call limits.
 */
import assert from "node:assert/strict";
import { base64ToFloat32, float32ToBase64 } from "../../../src/codecs/float32_base64.ts";
import { openAiEmbeddings } from "../../../src/codecs/chat/embeddings.ts";
import { geminiEmbeddings } from "../../../src/codecs/gemini/embeddings.ts";
import { planCalls } from "../../../src/gateway/embedding_calls.ts";
import { GatewayError } from "../../../src/codecs/unified.ts";

Deno.test("float32 base64 is little-endian, as OpenAI sends it", () => {
  // 1.0f is 0x3f800000: little-endian bytes 00 00 80 3f.
  assert.equal(float32ToBase64([1]), btoa("\x00\x00\x80\x3f"));
  const values = [0.25, -1.5, 3.125, 0];
  assert.deepEqual(base64ToFloat32(float32ToBase64(values)), values);
  assert.equal(base64ToFloat32("AAA="), undefined, "not a whole number of float32s");
  assert.equal(base64ToFloat32("***"), undefined, "not base64");
});

Deno.test("a long vector encodes without overflowing the argument list", () => {
  const values = Array.from({ length: 40_000 }, (_, i) => i / 8);
  assert.deepEqual(base64ToFloat32(float32ToBase64(values)), values);
});

Deno.test("an OpenAI answer is read in index order, floats or base64", () => {
  const answer = openAiEmbeddings.decodeResponse({
    data: [
      { index: 1, embedding: float32ToBase64([0.5, 0.25]) },
      { index: 0, embedding: [1, 2] },
    ],
    usage: { prompt_tokens: 7, total_tokens: 7 },
  }, 2);
  assert.deepEqual(answer.vectors, [[1, 2], [0.5, 0.25]]);
  assert.equal(answer.inputTokens, 7);
});

Deno.test("OpenAI answers with missing, repeated or foreign indexes are refused", () => {
  const bad = [
    { data: [{ index: 0, embedding: [1] }] },
    { data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [2] }] },
    { data: [{ index: 0, embedding: [1] }, { index: 5, embedding: [2] }] },
    { data: [{ index: 0, embedding: [1] }, { index: 1, embedding: ["x"] }] },
    { object: "list" },
  ];
  for (const body of bad) {
    assert.throws(() => openAiEmbeddings.decodeResponse(body, 2), JSON.stringify(body));
  }
});

Deno.test("a Gemini answer without usageMetadata has no token count; with one, it is read", () => {
  const plain = geminiEmbeddings.decodeResponse({ embeddings: [{ values: [1] }] }, 1);
  assert.equal(plain.inputTokens, undefined);
  const counted = geminiEmbeddings.decodeResponse({
    embeddings: [{ values: [1] }],
    usageMetadata: { promptTokenCount: 3 },
  }, 1);
  assert.equal(counted.inputTokens, 3);
  assert.throws(() => geminiEmbeddings.decodeResponse({ embeddings: [{ values: [] }] }, 1));
});

Deno.test("an OpenAI request becomes one Gemini batch with outputDimensionality", () => {
  const request = openAiEmbeddings.decodeRequest({
    model: "embed",
    input: ["a", "b"],
    dimensions: 256,
    user: "u1",
  }, {});
  const body = geminiEmbeddings.encodeRequest(request.items, {
    model: "gemini-embedding-001",
    request,
  });
  assert.deepEqual(body, {
    requests: [
      {
        model: "models/gemini-embedding-001",
        content: { parts: [{ text: "a" }] },
        outputDimensionality: 256,
      },
      {
        model: "models/gemini-embedding-001",
        content: { parts: [{ text: "b" }] },
        outputDimensionality: 256,
      },
    ],
  });
});

Deno.test("a Gemini request becomes an OpenAI body with dimensions; taskType and title are dropped", () => {
  const request = geminiEmbeddings.decodeRequest({
    requests: [{
      model: "models/embed",
      content: { parts: [{ text: "first" }, { text: "second" }] },
      taskType: "RETRIEVAL_DOCUMENT",
      title: "Doc",
      outputDimensionality: 64,
    }],
  }, { model: "models/embed" });
  const body = openAiEmbeddings.encodeRequest(request.items, {
    model: "text-embedding-3-small",
    request,
  });
  assert.deepEqual(body, {
    model: "text-embedding-3-small",
    input: ["first\nsecond"],
    dimensions: 64,
  });
});

Deno.test("an OpenAI client's own fields go to an OpenAI provider, model and input replaced", () => {
  const request = openAiEmbeddings.decodeRequest({
    model: "embed",
    input: "hello",
    encoding_format: "base64",
    input_type: "query",
  }, {});
  const body = openAiEmbeddings.encodeRequest(request.items, { model: "e5", request });
  assert.deepEqual(body, {
    model: "e5",
    input: ["hello"],
    encoding_format: "base64",
    input_type: "query",
  });
});

Deno.test("Gemini content with non-text parts cannot go to an OpenAI provider", () => {
  const request = geminiEmbeddings.decodeRequest({
    content: { parts: [{ inlineData: { mimeType: "image/png", data: "AAAA" } }] },
  }, { model: "embed", single: true });
  assert.throws(
    () => openAiEmbeddings.encodeRequest(request.items, { model: "m", request }),
    (error: unknown) => error instanceof GatewayError && error.status === 400,
  );
  const gemini = geminiEmbeddings.encodeRequest(request.items, { model: "m", request });
  assert.deepEqual((gemini.requests as Array<Record<string, unknown>>)[0].content, {
    parts: [{ inlineData: { mimeType: "image/png", data: "AAAA" } }],
  });
});

Deno.test("one flat array of numbers is one token-id input, not many", () => {
  const request = openAiEmbeddings.decodeRequest({ model: "m", input: [1, 2, 3] }, {});
  assert.deepEqual(request.items.map((i) => i.input), [{ kind: "tokens", tokens: [1, 2, 3] }]);
  assert.throws(() => openAiEmbeddings.decodeRequest({ model: "m", input: [1, -2] }, {}));
  assert.throws(() => openAiEmbeddings.decodeRequest({ model: "m", input: [1.5] }, {}));
});

Deno.test("calls are planned within the per-call maximum, grouping items of one key in order", () => {
  assert.deepEqual(planCalls(new Array(5), 2), [[0, 1], [2, 3], [4]]);
  const keys = ["a", "b", "a", "a", "b"];
  assert.deepEqual(planCalls(keys, 2, (i) => keys[i]), [[0, 2], [3], [1, 4]]);
  assert.deepEqual(planCalls([], 100), []);
});
