/**
 * Embeddings on Azure OpenAI (deployment and v1 URLs) and Vertex AI (`:predict`), with the
 * OpenAI and Gemini SDKs as clients and the cloud fakes checking URL, auth and body.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeAzure } from "../support/fake_azure.ts";
import { makeServiceAccount, startFakeTokenEndpoint } from "../support/fake_google_token.ts";
import { startFakeVertex } from "../support/fake_vertex.ts";
import { isRecord } from "../support/fixtures.ts";
import { geminiClient, openaiClient } from "./clients.ts";
import { cloudConfig, withCloudGateway } from "./cloud_gateway.ts";

const API_KEY = "azure-resource-key-0123456789";

Deno.test("Azure embeddings at the deployment URL and the v1 URL, with the api-key header", async () => {
  const fake = startFakeAzure({ apiKey: API_KEY, deployments: ["embed-small"] });
  try {
    const config = cloudConfig(
      `  az:
    api: chat
    azure: { endpoint: ${fake.url}, api_version: "2024-10-21" }
    api_key: ${API_KEY}
    models: { embed-small: { kind: embedding } }
  az-v1:
    api: chat
    azure: { endpoint: ${fake.url} }
    api_key: ${API_KEY}
    models: { embed-small: { kind: embedding } }
`,
    );
    await withCloudGateway(config, async (gateway) => {
      for (const provider of ["az", "az-v1"]) {
        const answer = await openaiClient(gateway.url).embeddings.create({
          model: `${provider}/embed-small`,
          input: ["one", "three", "eleven"],
          dimensions: 3,
        });
        assert.deepEqual(answer.data.map((item) => item.embedding[0]), [3, 5, 6]);
        assert.equal(answer.data[0].embedding.length, 3);
      }
      const [deployment, v1] = fake.requests;
      assert.equal(deployment.path, "/openai/deployments/embed-small/embeddings");
      assert.equal(deployment.query.get("api-version"), "2024-10-21");
      assert.equal(v1.path, "/openai/v1/embeddings");
      assert.ok(isRecord(v1.body) && v1.body.model === "embed-small");
      assert.ok(fake.requests.every((request) => request.headers["api-key"] === API_KEY));
    });
  } finally {
    await fake.close();
  }
});

Deno.test("Vertex embeddings through :predict, batched per model, with a service-account token", async () => {
  const tokens = startFakeTokenEndpoint();
  const account = await makeServiceAccount(tokens.tokenUri);
  tokens.trust(account);
  const vertex = startFakeVertex({
    project: "p1",
    location: "us-central1",
    isValidToken: tokens.isValid,
  });
  const keyPath = join(Deno.makeTempDirSync({ prefix: "plexus-sa-" }), "key.json");
  Deno.writeTextFileSync(keyPath, JSON.stringify(account.json));
  try {
    const config = cloudConfig(
      `  vx:
    api: gemini
    base_url: ${vertex.url}
    vertex: { project: p1, location: us-central1, credentials: ${keyPath} }
    models:
      text-embedding-005: { kind: embedding }
      gemini-embedding-001: { kind: embedding }
`,
    );
    await withCloudGateway(config, async (gateway) => {
      const texts = Array.from({ length: 10 }, (_, i) => "x".repeat(i + 1));
      const openai = await openaiClient(gateway.url).embeddings.create({
        model: "vx/text-embedding-005",
        input: texts,
      });
      assert.deepEqual(openai.data.map((item) => item.embedding[0]), texts.map((t) => t.length));
      assert.equal(
        openai.usage.prompt_tokens,
        texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0),
      );
      // Eight instances per call for the text-embedding models: 8 + 2.
      assert.deepEqual(
        vertex.requests.map((request) =>
          (request.body as { instances: unknown[] }).instances.length
        ),
        [8, 2],
      );

      vertex.requests.length = 0;
      const gemini = await geminiClient(gateway.url).models.embedContent({
        model: "vx/gemini-embedding-001",
        contents: ["alpha", "be"],
        config: { taskType: "RETRIEVAL_DOCUMENT", outputDimensionality: 3 },
      });
      assert.deepEqual(gemini.embeddings?.map((e) => e.values?.[0]), [5, 2]);
      assert.equal(gemini.embeddings?.[0].values?.length, 3);
      // gemini-embedding-001 takes one instance per request.
      assert.equal(vertex.requests.length, 2);
      for (const request of vertex.requests) {
        assert.match(
          request.path,
          /^\/v1\/projects\/p1\/locations\/us-central1\/publishers\/google\/models\/gemini-embedding-001:predict$/,
        );
        assert.match(request.headers["authorization"], /^Bearer ya29\.fake-/);
        const body = request.body as {
          instances: Array<Record<string, unknown>>;
          parameters: Record<string, unknown>;
        };
        assert.equal(body.instances[0].task_type, "RETRIEVAL_DOCUMENT");
        assert.deepEqual(body.parameters, { outputDimensionality: 3 });
      }
      assert.equal(tokens.grants.length, 1);
    });
  } finally {
    await vertex.close();
    await tokens.close();
    Deno.removeSync(keyPath);
  }
});
