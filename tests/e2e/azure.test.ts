/**
 * Azure OpenAI providers (chat and Responses, deployment-style and v1 URLs, key and bearer
 * auth) behind Plexus, with the official SDKs of every inbound API as clients and a fake Azure
 * resource that checks URLs and auth and answers with Azure's content-filter annotations.
 */
import assert from "node:assert/strict";
import { INBOUND_API_NAMES } from "../../src/codecs/registry.ts";
import { type CloudFake, startCloudFake } from "../support/cloud_fake_server.ts";
import { TEST_KEY } from "../support/config.ts";
import { contentFilterError, startFakeAzure } from "../support/fake_azure.ts";
import { isRecord } from "../support/fixtures.ts";
import { ask, NORMAL_STOP, TOOL_STOP } from "./clients.ts";
import { cloudConfig, withCloudGateway } from "./cloud_gateway.ts";

const API_KEY = "azure-resource-key-0123456789";
const AD_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-token";
const ENV = { AZURE_OPENAI_API_KEY: API_KEY, AZURE_OPENAI_AD_TOKEN: AD_TOKEN };

/** Four ways to reach the same resource; the last reaches it through base_url. */
function azureProviders(fake: CloudFake): string {
  return `  az-chat:
    api: chat
    azure: { endpoint: ${fake.url}, api_version: "2024-10-21" }
    api_key: \${AZURE_OPENAI_API_KEY}
    models: { gpt-4o-prod: {} }
  az-chat-v1:
    api: chat
    azure: { endpoint: ${fake.url}/, bearer_token: "\${AZURE_OPENAI_AD_TOKEN}" }
    models: { gpt-4o-prod: {} }
  az-resp:
    api: responses
    azure: { endpoint: ${fake.url}, api_version: "2025-04-01-preview" }
    api_key: \${AZURE_OPENAI_API_KEY}
    models: { gpt-4o-prod: {} }
  az-resp-v1:
    api: responses
    base_url: ${fake.url}
    azure: { endpoint: "https://my-resource.openai.azure.com" }
    api_key: \${AZURE_OPENAI_API_KEY}
    models: { gpt-4o-prod: {} }
`;
}

const EXPECTED = {
  "az-chat": { path: "/openai/deployments/gpt-4o-prod/chat/completions", version: "2024-10-21" },
  "az-chat-v1": { path: "/openai/v1/chat/completions", version: null },
  "az-resp": { path: "/openai/responses", version: "2025-04-01-preview" },
  "az-resp-v1": { path: "/openai/v1/responses", version: null },
} as const;

async function withAzure(
  fn: (fake: CloudFake, gatewayUrl: string) => Promise<void>,
  extraProviders = "",
): Promise<void> {
  const fake = startFakeAzure({
    apiKey: API_KEY,
    bearerToken: AD_TOKEN,
    deployments: ["gpt-4o-prod"],
  });
  try {
    const config = cloudConfig(azureProviders(fake) + extraProviders, ENV);
    await withCloudGateway(config, (gateway) => fn(fake, gateway.url));
  } finally {
    await fake.close();
  }
}

const WEATHER_CALL = {
  toolCalls: [{ id: "call_az1", name: "get_weather", argumentPieces: ['{"city":', '"Paris"}'] }],
  text: [],
  stop: "tool_use" as const,
};

Deno.test("every client API reaches Azure chat and Responses on both URL styles, with a tool call", async (t) => {
  await withAzure(async (fake, gatewayUrl) => {
    for (const client of INBOUND_API_NAMES) {
      for (const provider of Object.keys(EXPECTED) as Array<keyof typeof EXPECTED>) {
        for (const stream of [false, true]) {
          await t.step(`${client} → ${provider}${stream ? " (stream)" : ""}`, async () => {
            const before = fake.requests.length;
            const api = provider.startsWith("az-chat") ? "chat" : "responses";
            const hello = await ask(client, gatewayUrl, {
              model: `${provider}/gpt-4o-prod`,
              prompt: "Say hello",
              stream,
            });
            assert.equal(hello.text, `Hello from ${api} fake`);
            assert.equal(hello.stop, NORMAL_STOP[client]);
            assert.equal(hello.inputTokens, 12);

            fake.enqueue({ kind: "scenario", scenario: WEATHER_CALL });
            const tool = await ask(client, gatewayUrl, {
              model: `${provider}/gpt-4o-prod`,
              prompt: "Weather in Paris?",
              stream,
              withTool: true,
            });
            assert.equal(tool.stop, TOOL_STOP[client]);
            assert.deepEqual(tool.toolCalls.map((call) => [call.name, call.args]), [
              ["get_weather", { city: "Paris" }],
            ]);

            const received = fake.requests.slice(before);
            assert.equal(received.length, 2);
            for (const request of received) {
              assert.equal(request.path, EXPECTED[provider].path);
              assert.equal(request.query.get("api-version"), EXPECTED[provider].version);
              if (provider === "az-chat-v1") {
                assert.equal(request.headers["authorization"], `Bearer ${AD_TOKEN}`);
                assert.equal(request.headers["api-key"], undefined);
              } else {
                assert.equal(request.headers["api-key"], API_KEY);
                assert.equal(request.headers["authorization"], undefined);
              }
              assert.ok(isRecord(request.body));
              assert.equal(request.body.model, "gpt-4o-prod");
            }
          });
        }
      }
    }
  });
});

Deno.test("an OpenAI client streaming from Azure never sees its annotation-only chunks", async () => {
  await withAzure(async (_fake, gatewayUrl) => {
    const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "az-chat/gpt-4o-prod",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    const text = await response.text();
    const chunks = text.split("\n\n").filter((frame) => frame.startsWith("data: {"))
      .map((frame) => JSON.parse(frame.slice(6)));
    assert.ok(chunks.length > 3);
    for (const chunk of chunks) {
      assert.notEqual(chunk.id, "", "no Azure annotation chunk");
      assert.ok(chunk.choices.every((choice: Record<string, unknown>) => "delta" in choice));
    }
    assert.match(text, /data: \[DONE\]/);
  });
});

async function chatRequest(gatewayUrl: string, model: string, stream = false): Promise<Response> {
  return await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] }),
  });
}

Deno.test("an Azure content-filter refusal is the client's 400 with code content_filter, not retried elsewhere", async () => {
  const alias = `models:
  guarded:
    selector: in_order
    targets:
      - { provider: az-chat, model: gpt-4o-prod }
      - { provider: az-chat-v1, model: gpt-4o-prod }
`;
  const fake = startFakeAzure({
    apiKey: API_KEY,
    bearerToken: AD_TOKEN,
    deployments: ["gpt-4o-prod"],
  });
  try {
    const config = cloudConfig(azureProviders(fake) + alias, ENV);
    await withCloudGateway(config, async (gateway) => {
      fake.enqueue({ kind: "error", status: 400, body: contentFilterError() });
      const response = await chatRequest(gateway.url, "guarded");
      const body = await response.json();
      assert.equal(response.status, 400);
      assert.equal(body.error.code, "content_filter");
      assert.match(body.error.message, /content management policy/);
      assert.equal(fake.requests.length, 1, "a refusal is not sent to the next target");

      fake.enqueue({ kind: "error", status: 400, body: contentFilterError() });
      const anthropic = await fetch(`${gateway.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": TEST_KEY, "content-type": "application/json" },
        body: JSON.stringify({
          model: "guarded",
          max_tokens: 32,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      const anthropicBody = await anthropic.json();
      assert.equal(anthropic.status, 400);
      assert.equal(anthropicBody.error.type, "invalid_request_error");
    });
  } finally {
    await fake.close();
  }
});

Deno.test("finish_reason content_filter from Azure is each client's content-filter stop", async () => {
  await withAzure(async (fake, gatewayUrl) => {
    const filtered = { kind: "scenario" as const, scenario: { stop: "content_filter" as const } };
    const expected = {
      chat: "content_filter",
      messages: "refusal",
      responses: "incomplete",
      gemini: "SAFETY",
    };
    for (const client of INBOUND_API_NAMES) {
      for (const stream of [false, true]) {
        fake.enqueue(filtered);
        const answer = await ask(client, gatewayUrl, {
          model: "az-chat/gpt-4o-prod",
          prompt: "hi",
          stream,
        });
        assert.equal(answer.stop, expected[client], `${client}${stream ? " stream" : ""}`);
      }
    }
  });
});

Deno.test("an Azure 429 with retry-after falls back, and alone reaches the client with its wait", async () => {
  await withAzure(async (fake, gatewayUrl) => {
    const throttled = {
      kind: "error" as const,
      status: 429,
      headers: { "retry-after": "7" },
      body: {
        error: {
          code: "429",
          message:
            "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current pricing tier. Please retry after 7 seconds.",
        },
      },
    };
    fake.enqueue(throttled);
    const response = await chatRequest(gatewayUrl, "az-chat/gpt-4o-prod");
    const body = await response.json();
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("retry-after"), "7");
    assert.match(body.error.message, /exceeded token rate limit/);
  });
});

Deno.test("a wrong Azure key is the gateway's problem (502), with Azure's reason", async () => {
  const fake = startFakeAzure({ apiKey: "another-key", deployments: ["gpt-4o-prod"] });
  try {
    const config = cloudConfig(azureProviders(fake), ENV);
    await withCloudGateway(config, async (gateway) => {
      const response = await chatRequest(gateway.url, "az-chat/gpt-4o-prod");
      const body = await response.json();
      assert.equal(response.status, 502);
      assert.match(body.error.message, /Access denied/);
      assert.equal(JSON.stringify(body).includes(API_KEY), false);
    });
  } finally {
    await fake.close();
  }
});

/**
 * A fake Microsoft Entra token endpoint (v2-oauth2-client-creds-grant-flow): POST
 * /{tenant}/oauth2/v2.0/token with the client_credentials grant for the Cognitive Services scope.
 */
function startFakeEntra(tenant: string, clientId: string, clientSecret: string) {
  const issued = new Set<string>();
  const fake = startCloudFake((request) => {
    const form = new URLSearchParams(request.rawBody);
    const error = (status: number, code: string, description: string) => ({
      status,
      body: { error: code, error_description: description },
    });
    if (request.path !== `/${tenant}/oauth2/v2.0/token`) {
      return error(400, "invalid_tenant", "AADSTS90002: Tenant not found.");
    }
    if (form.get("grant_type") !== "client_credentials") {
      return error(400, "unsupported_grant_type", "AADSTS70003");
    }
    if (form.get("client_id") !== clientId || form.get("client_secret") !== clientSecret) {
      return error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
    }
    if (form.get("scope") !== "https://cognitiveservices.azure.com/.default") {
      return error(400, "invalid_scope", "AADSTS70011: The provided value for scope is not valid.");
    }
    const token = `entra-${crypto.randomUUID()}`;
    issued.add(token);
    return { status: 200, body: { token_type: "Bearer", expires_in: 3599, access_token: token } };
  });
  return { fake, isValid: (token: string) => issued.has(token) };
}

Deno.test("an Entra application's client credentials are exchanged once and sent as a bearer token", async () => {
  const entra = startFakeEntra("contoso-tenant", "app-123", "app-secret-0123456789");
  const azure = startFakeAzure({ isValidBearer: entra.isValid, deployments: ["gpt-4o-prod"] });
  try {
    const config = cloudConfig(
      `  az-app:
    api: responses
    azure:
      endpoint: ${azure.url}
      tenant_id: contoso-tenant
      client_id: app-123
      client_secret: "\${AZURE_CLIENT_SECRET}"
      authority_host: ${entra.fake.url}
    models: { gpt-4o-prod: {} }
`,
      { AZURE_CLIENT_SECRET: "app-secret-0123456789" },
    );
    await withCloudGateway(config, async (gateway) => {
      for (const stream of [false, true]) {
        const answer = await ask("chat", gateway.url, {
          model: "az-app/gpt-4o-prod",
          prompt: "hi",
          stream,
        });
        assert.equal(answer.text, "Hello from responses fake");
      }
      assert.equal(entra.fake.requests.length, 1);
      assert.match(azure.requests[0].headers["authorization"], /^Bearer entra-/);
      assert.equal(azure.requests[0].headers["api-key"], undefined);
    });
  } finally {
    await azure.close();
    await entra.fake.close();
  }
});

Deno.test("a refused Entra secret fails the Azure provider with Entra's reason and no secret", async () => {
  const entra = startFakeEntra("contoso-tenant", "app-123", "the-right-secret");
  const azure = startFakeAzure({ isValidBearer: entra.isValid, deployments: ["gpt-4o-prod"] });
  try {
    const config = cloudConfig(
      `  az-app:
    api: chat
    azure:
      endpoint: ${azure.url}
      tenant_id: contoso-tenant
      client_id: app-123
      client_secret: wrong-secret-0123456789
      authority_host: ${entra.fake.url}
    models: { gpt-4o-prod: {} }
`,
    );
    await withCloudGateway(config, async (gateway) => {
      const response = await chatRequest(gateway.url, "az-app/gpt-4o-prod");
      const text = await response.text();
      assert.equal(response.status, 502);
      assert.match(text, /Azure OpenAI Entra token for application app-123/);
      assert.match(text, /invalid_client/);
      assert.equal(text.includes("wrong-secret-0123456789"), false);
      assert.equal(azure.requests.length, 0);
    });
  } finally {
    await azure.close();
    await entra.fake.close();
  }
});
