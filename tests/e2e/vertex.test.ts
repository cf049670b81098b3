/**
 * Vertex AI providers (Gemini and Claude) behind Plexus, with the official SDKs of every inbound
 * API as clients, a fake Vertex that checks URLs, auth and body shapes as documented, and a fake
 * Google token endpoint that verifies the service account's signed assertion.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { INBOUND_API_NAMES } from "../../src/codecs/registry.ts";
import type { CloudFake } from "../support/cloud_fake_server.ts";
import {
  type FakeTokenEndpoint,
  makeServiceAccount,
  startFakeTokenEndpoint,
  type TestServiceAccount,
} from "../support/fake_google_token.ts";
import { startFakeVertex } from "../support/fake_vertex.ts";
import { isRecord } from "../support/fixtures.ts";
import { ask, NORMAL_STOP, TOOL_STOP } from "./clients.ts";
import { cloudConfig, withCloudGateway } from "./cloud_gateway.ts";
import { TEST_KEY } from "../support/config.ts";
import { usageLine } from "../../src/usage/log_line.ts";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";

const PROJECT = "plexus-test";
const LOCATION = "us-east5";

interface VertexSetup {
  tokens: FakeTokenEndpoint;
  vertex: CloudFake;
  account: TestServiceAccount;
  keyPath: string;
}

async function withVertex(fn: (setup: VertexSetup) => Promise<void>): Promise<void> {
  const tokens = startFakeTokenEndpoint();
  const account = await makeServiceAccount(tokens.tokenUri);
  tokens.trust(account);
  const vertex = startFakeVertex({
    project: PROJECT,
    location: LOCATION,
    isValidToken: tokens.isValid,
  });
  const keyPath = join(Deno.makeTempDirSync({ prefix: "plexus-sa-" }), "key.json");
  Deno.writeTextFileSync(keyPath, JSON.stringify(account.json));
  try {
    await fn({ tokens, vertex, account, keyPath });
  } finally {
    await vertex.close();
    await tokens.close();
    Deno.removeSync(keyPath);
  }
}

/** A Gemini provider reading the key from a file, a Claude one from the JSON in a variable. */
function vertexProviders(setup: VertexSetup): string {
  return `  vx-gemini:
    api: gemini
    base_url: ${setup.vertex.url}
    vertex: { project: ${PROJECT}, location: ${LOCATION}, credentials: ${setup.keyPath} }
    models: { gemini-2.5-flash: {} }
  vx-claude:
    api: messages
    base_url: ${setup.vertex.url}
    vertex: { project: ${PROJECT}, location: ${LOCATION}, credentials: "\${VERTEX_KEY_JSON}" }
    models: { "claude-sonnet-4@20250514": {} }
`;
}

const MODELS = {
  gemini: "vx-gemini/gemini-2.5-flash",
  messages: "vx-claude/claude-sonnet-4@20250514",
} as const;

const PATHS = {
  gemini: `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/gemini-2.5-flash`,
  messages:
    `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/anthropic/models/claude-sonnet-4@20250514`,
} as const;

const WEATHER_CALL = {
  toolCalls: [{ id: "toolu_vx1", name: "get_weather", argumentPieces: ['{"city":', '"Paris"}'] }],
  text: [],
  stop: "tool_use" as const,
};

Deno.test("every client API reaches Gemini and Claude on Vertex, streamed and not, with a tool call", async (t) => {
  await withVertex(async (setup) => {
    const env = { VERTEX_KEY_JSON: JSON.stringify(setup.account.json) };
    const config = cloudConfig(vertexProviders(setup), env);
    await withCloudGateway(config, async (gateway) => {
      for (const client of INBOUND_API_NAMES) {
        for (const upstream of ["gemini", "messages"] as const) {
          for (const stream of [false, true]) {
            await t.step(`${client} → vertex ${upstream}${stream ? " (stream)" : ""}`, async () => {
              const before = setup.vertex.requests.length;
              const text = await ask(client, gateway.url, {
                model: MODELS[upstream],
                prompt: "Say hello",
                system: "Be brief.",
                stream,
              });
              assert.equal(text.text, `Hello from ${upstream} fake`);
              assert.equal(text.stop, NORMAL_STOP[client]);
              assert.equal(text.inputTokens, 12);

              setup.vertex.enqueue({ kind: "scenario", scenario: WEATHER_CALL });
              const tool = await ask(client, gateway.url, {
                model: MODELS[upstream],
                prompt: "Weather in Paris?",
                stream,
                withTool: true,
              });
              assert.equal(tool.stop, TOOL_STOP[client]);
              assert.equal(tool.toolCalls.length, 1);
              assert.equal(tool.toolCalls[0].name, "get_weather");
              assert.deepEqual(tool.toolCalls[0].args, { city: "Paris" });

              const received = setup.vertex.requests.slice(before);
              assert.equal(received.length, 2);
              for (const request of received) {
                const action = upstream === "gemini"
                  ? (stream ? "streamGenerateContent" : "generateContent")
                  : (stream ? "streamRawPredict" : "rawPredict");
                assert.equal(request.path, `${PATHS[upstream]}:${action}`);
                assert.equal(
                  request.query.get("alt"),
                  upstream === "gemini" && stream ? "sse" : null,
                );
                assert.match(request.headers["authorization"], /^Bearer ya29\.fake-/);
                assert.equal(request.headers["x-api-key"], undefined);
                assert.equal(request.headers["x-goog-api-key"], undefined);
                assert.ok(isRecord(request.body));
                if (upstream === "messages") {
                  assert.equal(request.body.anthropic_version, "vertex-2023-10-16");
                  assert.equal("model" in request.body, false);
                  assert.equal(request.headers["anthropic-version"], undefined);
                }
              }
              const toolBody = received[1].body as Record<string, unknown>;
              const tools = JSON.stringify(toolBody.tools);
              assert.match(tools, /get_weather/);
            });
          }
        }
      }
      // One service account, one exchange: every call above reused the cached token.
      assert.equal(setup.tokens.grants.length, 1);
      const { claims, header } = setup.tokens.grants[0];
      assert.equal(claims.iss, setup.account.json.client_email);
      assert.equal(header.kid, setup.account.json.private_key_id);
      const records = await gateway.waitForRecords(INBOUND_API_NAMES.length * 8);
      assert.ok(records.every((record) => record.status === 200));
      assert.deepEqual(
        [...new Set(records.map((record) => record.provider))].sort(),
        ["vx-claude", "vx-gemini"],
      );
    });
  });
});

Deno.test("concurrent first requests share one token exchange", async () => {
  await withVertex(async (setup) => {
    const env = { VERTEX_KEY_JSON: JSON.stringify(setup.account.json) };
    const config = cloudConfig(vertexProviders(setup), env);
    await withCloudGateway(config, async (gateway) => {
      const answers = await Promise.all(
        Array.from(
          { length: 6 },
          () => ask("chat", gateway.url, { model: MODELS.gemini, prompt: "hi", stream: true }),
        ),
      );
      assert.ok(answers.every((answer) => answer.text === "Hello from gemini fake"));
      assert.equal(setup.tokens.requests.length, 1);
      assert.equal(setup.vertex.requests.length, 6);
    });
  });
});

Deno.test("a Gemini client's contents without a role reach Vertex with role user", async () => {
  await withVertex(async (setup) => {
    const env = { VERTEX_KEY_JSON: JSON.stringify(setup.account.json) };
    await withCloudGateway(cloudConfig(vertexProviders(setup), env), async (gateway) => {
      const response = await fetch(
        `${gateway.url}/v1beta/models/${MODELS.gemini}:generateContent`,
        {
          method: "POST",
          headers: { "x-goog-api-key": TEST_KEY, "content-type": "application/json" },
          body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
        },
      );
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.candidates[0].content.parts[0].text, "Hello from gemini fake");
      const sent = setup.vertex.requests[0].body as { contents: Array<{ role: string }> };
      assert.equal(sent.contents[0].role, "user");
    });
  });
});

Deno.test("a refused token exchange fails the provider with a clear message and no key in it", async () => {
  await withVertex(async (setup) => {
    setup.tokens.failWith = {
      status: 400,
      error: "invalid_grant",
      description: "Invalid JWT Signature.",
    };
    const env = { VERTEX_KEY_JSON: JSON.stringify(setup.account.json) };
    await withCloudGateway(cloudConfig(vertexProviders(setup), env), async (gateway) => {
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": TEST_KEY, "content-type": "application/json" },
        body: JSON.stringify({
          model: MODELS.messages,
          max_tokens: 64,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      const text = await response.text();
      assert.equal(response.status, 502);
      assert.match(text, /Vertex AI access token/);
      assert.match(text, /invalid_grant/);
      const keyBody = setup.account.json.private_key.split("\n")[1];
      assert.equal(text.includes(keyBody), false);
      assert.equal(setup.vertex.requests.length, 0, "no call without a token");
      const [record] = await gateway.waitForRecords(1);
      assert.equal(record.status, 502);
      assert.equal(record.attempts.length, 1);
      assert.match(record.attempts[0].reason ?? "", /invalid_grant/);
    });
  });
});

Deno.test("a static access token is sent as it is", async () => {
  const vertex = startFakeVertex({
    project: PROJECT,
    location: LOCATION,
    isValidToken: (token) => token === "ya29.static-token",
  });
  try {
    const config = cloudConfig(
      `  vx:
    api: gemini
    base_url: ${vertex.url}
    vertex: { project: ${PROJECT}, location: ${LOCATION}, access_token: "\${VERTEX_TOKEN}" }
    models: { gemini-2.5-pro: { pricing: { input: 1.25, output: 10 } } }
`,
      { VERTEX_TOKEN: "ya29.static-token" },
    );
    await withCloudGateway(config, async (gateway) => {
      const answer = await ask("responses", gateway.url, {
        model: "vx/gemini-2.5-pro",
        prompt: "hi",
        stream: true,
      });
      assert.equal(answer.text, "Hello from gemini fake");
      assert.equal(vertex.requests[0].headers["authorization"], "Bearer ya29.static-token");
      // The usage log line prices a Vertex target like any other: 12 in, 5 out.
      const [record] = await gateway.waitForRecords(1);
      const line = usageLine(record, config);
      assert.equal(line.provider, "vx");
      assert.equal(line.cost_usd, (12 * 1.25 + 5 * 10) / 1_000_000);
    });
  } finally {
    await vertex.close();
  }
});

Deno.test("a Vertex 429 is a rate limit the client sees with Google's message", async () => {
  await withVertex(async (setup) => {
    const env = { VERTEX_KEY_JSON: JSON.stringify(setup.account.json) };
    await withCloudGateway(cloudConfig(vertexProviders(setup), env), async (gateway) => {
      setup.vertex.enqueue({
        kind: "error",
        status: 429,
        body: {
          error: {
            code: 429,
            message: "Quota exceeded for aiplatform.googleapis.com/generate_content_requests",
            status: "RESOURCE_EXHAUSTED",
          },
        },
      });
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: MODELS.messages,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      const body = await response.json();
      assert.equal(response.status, 429);
      assert.match(body.error.message, /Quota exceeded/);
      assert.equal(body.error.type, "rate_limit_error");
    });
  });
});

Deno.test("count_tokens for a Claude-on-Vertex target is estimated without a call to Vertex", async () => {
  await withVertex(async (setup) => {
    const env = { VERTEX_KEY_JSON: JSON.stringify(setup.account.json) };
    await withCloudGateway(cloudConfig(vertexProviders(setup), env), async (gateway) => {
      const response = await fetch(`${gateway.url}/v1/messages/count_tokens`, {
        method: "POST",
        headers: { "x-api-key": TEST_KEY, "content-type": "application/json" },
        body: JSON.stringify({
          model: MODELS.messages,
          messages: [{ role: "user", content: "hello there" }],
        }),
      });
      const body = await response.json();
      assert.equal(response.status, 200);
      assert.ok(body.input_tokens > 0);
      assert.equal(setup.vertex.requests.length, 0);
      assert.equal(setup.tokens.requests.length, 0);
    });
  });
});

Deno.test("user credentials (authorized_user) are refreshed at the token URI and used as a bearer", async () => {
  const tokens = startFakeTokenEndpoint();
  const user = {
    client_id: "764086051850-abc.apps.googleusercontent.com",
    client_secret: "d-FL95Q19q7MQmFpd7hHD0Ty",
    refresh_token: "1//0refresh-token-for-tests",
  };
  tokens.user = user;
  const vertex = startFakeVertex({
    project: PROJECT,
    location: LOCATION,
    isValidToken: tokens.isValid,
  });
  try {
    const adc = JSON.stringify({ ...user, type: "authorized_user", token_uri: tokens.tokenUri });
    const config = cloudConfig(
      `  vx:
    api: messages
    base_url: ${vertex.url}
    vertex: { project: ${PROJECT}, location: ${LOCATION}, credentials: "\${ADC_JSON}" }
    models: { "claude-sonnet-4@20250514": {} }
`,
      { ADC_JSON: adc },
    );
    await withCloudGateway(config, async (gateway) => {
      const answer = await ask("messages", gateway.url, {
        model: "vx/claude-sonnet-4@20250514",
        prompt: "hi",
        stream: true,
      });
      assert.equal(answer.text, "Hello from messages fake");
      const form = new URLSearchParams(tokens.requests[0].rawBody);
      assert.equal(form.get("grant_type"), "refresh_token");
      assert.equal(form.get("refresh_token"), user.refresh_token);
      assert.match(vertex.requests[0].headers["authorization"], /^Bearer ya29\.fake-/);
    });
  } finally {
    await vertex.close();
    await tokens.close();
  }
});

Deno.test("a token Vertex refuses (401) is dropped: the next call fetches a new one", async () => {
  await withVertex(async (setup) => {
    const env = { VERTEX_KEY_JSON: JSON.stringify(setup.account.json) };
    // No cooldowns here: the point is what the next call to the same provider sends.
    const options = { health: ALWAYS_HEALTHY };
    await withCloudGateway(cloudConfig(vertexProviders(setup), env), async (gateway) => {
      const ask3 = () =>
        ask("gemini", gateway.url, { model: MODELS.gemini, prompt: "hi", stream: false });
      assert.equal((await ask3()).text, "Hello from gemini fake");
      setup.vertex.enqueue({
        kind: "error",
        status: 401,
        body: {
          error: {
            code: 401,
            message: "Request had invalid authentication credentials.",
            status: "UNAUTHENTICATED",
          },
        },
      });
      await assert.rejects(ask3());
      assert.equal(setup.tokens.grants.length, 1);
      assert.equal((await ask3()).text, "Hello from gemini fake");
      assert.equal(setup.tokens.grants.length, 2, "a new token after the refusal");
      const [, refusedCall, lastCall] = setup.vertex.requests;
      assert.notEqual(lastCall.headers["authorization"], refusedCall.headers["authorization"]);
    }, options);
  });
});
