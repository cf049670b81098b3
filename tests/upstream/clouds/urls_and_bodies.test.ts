/** Azure and Vertex URLs and body rules, as their documentation writes them. */
import assert from "node:assert/strict";
import {
  azureEmbeddingsUrl,
  azureErrorCode,
  azureUrl,
  isAzureAnnotationChunk,
} from "../../../src/upstream/clouds/azure.ts";
import { vertexBody, vertexPredictUrl, vertexUrl } from "../../../src/upstream/clouds/vertex.ts";
import type { VertexCloud } from "../../../src/config/clouds.ts";

const VERTEX: VertexCloud = {
  kind: "vertex",
  project: "my-project",
  location: "us-east5",
  auth: { kind: "access_token", token: "t" },
};

Deno.test("Vertex URLs for Gemini and Claude, streamed and not", () => {
  const base = "https://us-east5-aiplatform.googleapis.com";
  const prefix = `${base}/v1/projects/my-project/locations/us-east5/publishers`;
  const cases: Array<[Parameters<typeof vertexUrl>[2], string, boolean, string]> = [
    ["gemini", "gemini-2.5-pro", false, `${prefix}/google/models/gemini-2.5-pro:generateContent`],
    [
      "gemini",
      "gemini-2.5-pro",
      true,
      `${prefix}/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse`,
    ],
    [
      "messages",
      "claude-sonnet-4@20250514",
      false,
      `${prefix}/anthropic/models/claude-sonnet-4@20250514:rawPredict`,
    ],
    [
      "messages",
      "claude-sonnet-4@20250514",
      true,
      `${prefix}/anthropic/models/claude-sonnet-4@20250514:streamRawPredict`,
    ],
    ["gemini", "a/b", false, `${prefix}/google/models/a%2Fb:generateContent`],
  ];
  for (const [api, model, stream, url] of cases) {
    assert.equal(vertexUrl(base, VERTEX, api, model, stream), url);
  }
  assert.equal(
    vertexPredictUrl(base, VERTEX, "text-embedding-005"),
    `${prefix}/google/models/text-embedding-005:predict`,
  );
});

Deno.test("Claude on Vertex gets anthropic_version instead of model; Gemini contents get a role", () => {
  assert.deepEqual(
    vertexBody("messages", {
      model: "claude",
      max_tokens: 5,
      messages: [],
      anthropic_version: "x",
    }),
    { max_tokens: 5, messages: [], anthropic_version: "vertex-2023-10-16" },
  );
  assert.deepEqual(
    vertexBody("gemini", {
      contents: [{ parts: [{ text: "a" }] }, { role: "model", parts: [{ text: "b" }] }],
    }),
    {
      contents: [
        { role: "user", parts: [{ text: "a" }] },
        { role: "model", parts: [{ text: "b" }] },
      ],
    },
  );
});

Deno.test("Azure URLs: deployment style with an api-version, v1 without", () => {
  const base = "https://res.openai.azure.com";
  assert.equal(
    azureUrl(base, { kind: "azure", apiVersion: "2024-10-21" }, "chat", "gpt 4o"),
    `${base}/openai/deployments/gpt%204o/chat/completions?api-version=2024-10-21`,
  );
  assert.equal(
    azureUrl(base, { kind: "azure", apiVersion: "2025-04-01-preview" }, "responses", "gpt-4o"),
    `${base}/openai/responses?api-version=2025-04-01-preview`,
  );
  assert.equal(
    azureUrl(base, { kind: "azure" }, "chat", "gpt-4o"),
    `${base}/openai/v1/chat/completions`,
  );
  assert.equal(
    azureUrl(base, { kind: "azure" }, "responses", "gpt-4o"),
    `${base}/openai/v1/responses`,
  );
});

Deno.test("Azure api_version v1, preview or latest names the v1 API, not a dated version", () => {
  const base = "https://res.openai.azure.com";
  assert.equal(
    azureUrl(base, { kind: "azure", apiVersion: "v1" }, "chat", "d"),
    `${base}/openai/v1/chat/completions`,
  );
  assert.equal(
    azureUrl(base, { kind: "azure", apiVersion: "preview" }, "responses", "d"),
    `${base}/openai/v1/responses?api-version=preview`,
  );
  assert.equal(
    azureEmbeddingsUrl(base, { kind: "azure", apiVersion: "2024-10-21" }, "emb"),
    `${base}/openai/deployments/emb/embeddings?api-version=2024-10-21`,
  );
  assert.equal(azureEmbeddingsUrl(base, { kind: "azure" }, "emb"), `${base}/openai/v1/embeddings`);
});

Deno.test("Azure error codes: a content-filter refusal is recognised with or without its top-level code", () => {
  assert.equal(
    azureErrorCode(JSON.stringify({ error: { code: "content_filter", message: "m" } })),
    "content_filter",
  );
  assert.equal(
    azureErrorCode(
      JSON.stringify({
        error: { code: "400", innererror: { code: "ResponsibleAIPolicyViolation" } },
      }),
    ),
    "content_filter",
  );
  assert.equal(azureErrorCode(JSON.stringify({ error: { code: "429" } })), undefined);
  assert.equal(azureErrorCode("not json"), undefined);
});

Deno.test("Azure annotation-only chunks are told apart from content, finish and usage chunks", () => {
  const filter = { hate: { filtered: false, severity: "safe" } };
  const hidden = [
    {
      choices: [],
      id: "",
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: filter }],
    },
    {
      choices: [{
        index: 0,
        finish_reason: null,
        content_filter_results: filter,
        content_filter_offsets: {},
      }],
      id: "",
    },
  ];
  const kept = [
    { choices: [{ index: 0, delta: { content: "hi" }, content_filter_results: filter }], id: "c" },
    { choices: [{ index: 0, finish_reason: "stop", content_filter_results: filter }], id: "c" },
    { choices: [], usage: { prompt_tokens: 1 }, prompt_filter_results: [] },
  ];
  for (const chunk of hidden) assert.equal(isAzureAnnotationChunk(JSON.stringify(chunk)), true);
  for (const chunk of kept) assert.equal(isAzureAnnotationChunk(JSON.stringify(chunk)), false);
});
