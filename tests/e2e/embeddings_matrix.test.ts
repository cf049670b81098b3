/**
 * Embeddings through Plexus, every inbound dialect x every outbound API: the official `openai`
 * client (its default base64 wire encoding and explicit floats), the official `@google/genai`
 * client (`embedContent`, which calls `:batchEmbedContents`) and Gemini's `:embedContent` over
 * REST, against a fake OpenAI-compatible, Responses-provider and Gemini upstream. Each case checks
 * the vectors the client got, what the provider received, and the one usage record.
 */
import assert from "node:assert/strict";
import { TEST_KEY } from "../support/config.ts";
import {
  type EmbeddingCall,
  fakeTokens,
  fakeVector,
  GEMINI_KEY,
  OPENAI_KEY,
} from "../support/fake_embeddings.ts";
import { usageLine } from "../../src/usage/log_line.ts";
import { geminiClient, openaiClient } from "./clients.ts";
import {
  INPUT_PRICE,
  OUTBOUND,
  type OutboundApi,
  startEmbeddingsWorld,
} from "./embeddings_support.ts";

const TEXTS = ["the quick brown fox", "jumps"];
const DIMENSIONS = 16;

interface InboundCase {
  name: string;
  apiIn: "chat" | "gemini";
  texts: string[];
  /** Embeds `texts` through Plexus with `alias`; returns the vectors the client got. */
  embed(gatewayUrl: string, alias: string): Promise<number[][]>;
  /** The OpenAI `encoding_format` an OpenAI upstream should see (undefined: not sent). */
  wireEncoding?: string;
  taskType?: string;
  /** The `role` the client puts in each Gemini content (the genai SDK says `user`). */
  contentRole?: string;
}

const INBOUND: InboundCase[] = [
  {
    name: "openai SDK, default (base64 on the wire)",
    apiIn: "chat",
    texts: TEXTS,
    wireEncoding: "base64",
    async embed(url, alias) {
      const answer = await openaiClient(url).embeddings.create({
        model: alias,
        input: TEXTS,
        dimensions: DIMENSIONS,
      });
      assert.equal(answer.object, "list");
      assert.deepEqual(answer.data.map((d) => d.index), [0, 1]);
      return answer.data.map((d) => d.embedding);
    },
  },
  {
    name: "openai SDK, encoding_format float",
    apiIn: "chat",
    texts: TEXTS,
    wireEncoding: "float",
    async embed(url, alias) {
      const answer = await openaiClient(url).embeddings.create({
        model: alias,
        input: TEXTS,
        dimensions: DIMENSIONS,
        encoding_format: "float",
      });
      return answer.data.map((d) => d.embedding);
    },
  },
  {
    name: "genai SDK embedContent (batchEmbedContents)",
    apiIn: "gemini",
    texts: TEXTS,
    taskType: "RETRIEVAL_DOCUMENT",
    contentRole: "user",
    async embed(url, alias) {
      const answer = await geminiClient(url).models.embedContent({
        model: alias,
        contents: TEXTS,
        config: { outputDimensionality: DIMENSIONS, taskType: "RETRIEVAL_DOCUMENT" },
      });
      return (answer.embeddings ?? []).map((e) => e.values ?? []);
    },
  },
  {
    name: "Gemini :embedContent over REST",
    apiIn: "gemini",
    texts: [TEXTS[0]],
    taskType: "RETRIEVAL_QUERY",
    async embed(url, alias) {
      const response = await fetch(`${url}/v1beta/models/${alias}:embedContent`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": TEST_KEY },
        body: JSON.stringify({
          content: { parts: [{ text: TEXTS[0] }] },
          taskType: "RETRIEVAL_QUERY",
          outputDimensionality: DIMENSIONS,
        }),
      });
      assert.equal(response.status, 200);
      const body = await response.json();
      return [body.embedding.values];
    },
  },
];

function checkProviderReceived(
  call: EmbeddingCall,
  outbound: OutboundApi,
  inbound: InboundCase,
): void {
  const target = OUTBOUND[outbound];
  if (outbound === "gemini") {
    assert.equal(call.path, `/v1beta/models/${target.model}:batchEmbedContents`);
    assert.equal(call.headers["x-goog-api-key"], GEMINI_KEY);
    assert.equal(call.headers["authorization"], undefined, "no client key upstream");
    assert.deepEqual(
      call.body.requests,
      inbound.texts.map((text) => ({
        model: `models/${target.model}`,
        content: {
          parts: [{ text }],
          ...(inbound.contentRole === undefined ? {} : { role: inbound.contentRole }),
        },
        ...(inbound.taskType === undefined ? {} : { taskType: inbound.taskType }),
        outputDimensionality: DIMENSIONS,
      })),
    );
    return;
  }
  assert.equal(call.path, "/v1/embeddings");
  assert.equal(call.headers["authorization"], `Bearer ${OPENAI_KEY}`);
  assert.equal(call.body.model, target.model);
  assert.deepEqual(call.body.input, inbound.texts);
  assert.equal(call.body.dimensions, DIMENSIONS);
  assert.equal(call.body.encoding_format, inbound.wireEncoding);
}

for (const outbound of Object.keys(OUTBOUND) as OutboundApi[]) {
  for (const inbound of INBOUND) {
    Deno.test(`embeddings: ${inbound.name} -> ${outbound} upstream`, async () => {
      const world = await startEmbeddingsWorld();
      try {
        const target = OUTBOUND[outbound];
        const vectors = await inbound.embed(world.gateway.url, target.alias);
        assert.deepEqual(vectors, inbound.texts.map((t) => fakeVector(t, DIMENSIONS)));

        assert.equal(world.fake.calls.length, 1, "one upstream call for a small batch");
        checkProviderReceived(world.fake.calls[0], outbound, inbound);

        const [record] = await world.gateway.waitForRecords(1);
        await new Promise((r) => setTimeout(r, 20));
        assert.equal(world.gateway.records.length, 1, "exactly one usage record");
        const line = usageLine(record, world.config);
        assert.equal(record.kind, "embedding");
        assert.equal(record.apiIn, inbound.apiIn);
        assert.equal(record.apiOut, outbound);
        assert.equal(record.status, 200);
        assert.equal(record.alias, target.alias);
        assert.equal(record.provider, target.provider);
        assert.equal(record.model, target.model);
        const reported = inbound.texts.reduce((sum, t) => sum + fakeTokens(t), 0);
        const estimated = inbound.texts.reduce((sum, t) => sum + Math.ceil(t.length / 4), 0);
        const tokens = outbound === "gemini" ? estimated : reported;
        assert.notEqual(reported, estimated, "the two counts must be told apart");
        assert.equal(line.kind, "embedding");
        assert.equal(line.usage_source, outbound === "gemini" ? "estimated" : "provider");
        assert.equal(line.input_tokens, tokens);
        assert.equal(line.output_tokens, 0);
        assert.equal(line.cost_usd, tokens * INPUT_PRICE / 1e6);
      } finally {
        await world.close();
      }
    });
  }
}
