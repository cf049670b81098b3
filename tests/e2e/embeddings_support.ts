/**
 * Shared set-up for the embeddings end-to-end tests: one fake embeddings provider per wire API
 * that embeds (OpenAI-compatible at `/v1`, a Responses provider on the same `/v1`, Gemini at
 * `/v1beta`), an alias per provider, and a gateway in front.
 */
import type { Config } from "../../src/config/types.ts";
import { TEST_KEY, testConfig, type TestProvider } from "../support/config.ts";
import {
  type FakeEmbeddings,
  type FakeEmbeddingsOptions,
  GEMINI_KEY,
  OPENAI_KEY,
  startFakeEmbeddings,
} from "../support/fake_embeddings.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

/** The outbound side of the matrix: alias name -> provider model it reaches. */
export const OUTBOUND = {
  chat: { alias: "embed-chat", provider: "p_chat", model: "text-embedding-3-small" },
  responses: { alias: "embed-responses", provider: "p_responses", model: "text-embedding-3-large" },
  gemini: { alias: "embed-gemini", provider: "p_gemini", model: "gemini-embedding-001" },
} as const;

export type OutboundApi = keyof typeof OUTBOUND;

/** USD per 1M input tokens, per provider model. */
export const INPUT_PRICE = 0.5;

export interface EmbeddingsWorld {
  config: Config;
  fake: FakeEmbeddings;
  gateway: TestGateway;
  close(): Promise<void>;
}

/** Marks provider models `kind: embedding`, as `plexus.yaml` would. */
export function markEmbedding(config: Config, provider: string, model: string): void {
  config.providers[provider].models[model].kind = "embedding";
}

export function embeddingsConfig(fakeUrl: string, extra: Record<string, TestProvider> = {}) {
  const pricing = (model: string) => ({ [model]: { input: INPUT_PRICE } });
  const config = testConfig(
    {
      p_chat: {
        api: "chat",
        baseUrl: `${fakeUrl}/v1`,
        apiKey: OPENAI_KEY,
        models: [OUTBOUND.chat.model, "gpt-4o-mini"],
        pricing: pricing(OUTBOUND.chat.model),
      },
      p_responses: {
        api: "responses",
        baseUrl: `${fakeUrl}/v1`,
        apiKey: OPENAI_KEY,
        models: [OUTBOUND.responses.model],
        pricing: pricing(OUTBOUND.responses.model),
      },
      p_gemini: {
        api: "gemini",
        baseUrl: `${fakeUrl}/v1beta`,
        apiKey: GEMINI_KEY,
        models: [OUTBOUND.gemini.model],
        pricing: pricing(OUTBOUND.gemini.model),
      },
      ...extra,
    },
    {
      ...Object.fromEntries(
        Object.values(OUTBOUND).map((o) => [
          o.alias,
          { targets: [{ provider: o.provider, model: o.model }] },
        ]),
      ),
      chatty: { targets: [{ provider: "p_chat", model: "gpt-4o-mini" }] },
    },
  );
  for (const o of Object.values(OUTBOUND)) markEmbedding(config, o.provider, o.model);
  return config;
}

export async function startEmbeddingsWorld(
  options: FakeEmbeddingsOptions = {},
  configure: (config: Config) => void = () => {},
): Promise<EmbeddingsWorld> {
  const fake = startFakeEmbeddings(options);
  const config = embeddingsConfig(fake.url);
  configure(config);
  const gateway = await startGateway(config);
  return {
    config,
    fake,
    gateway,
    async close() {
      await gateway.close();
      await fake.close();
    },
  };
}

/** POSTs JSON to the gateway with the test key; returns status and parsed body. */
export async function postJson(
  gatewayUrl: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gatewayUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TEST_KEY}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
