/**
 * Amazon Bedrock as a provider, end to end: every client SDK through Plexus to a fake Bedrock
 * that checks each call's SigV4 signature, streamed and not, with text, a tool call and
 * reasoning; Bedrock's errors and stream exceptions reach the client as the right kind.
 */
import assert from "node:assert/strict";
import type Anthropic from "@anthropic-ai/sdk";
import { INBOUND_API_NAMES } from "../../src/codecs/registry.ts";
import type { Config } from "../../src/config/types.ts";
import { testConfig } from "../support/config.ts";
import {
  type FakeAwsCredentials,
  type FakeBedrock,
  startFakeBedrock,
} from "../support/fake_bedrock.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { anthropicClient, ask, NORMAL_STOP, openaiClient, TOOL_STOP } from "./clients.ts";

const CLAUDE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const CREDENTIALS: FakeAwsCredentials = {
  region: "eu-west-3",
  accessKeyId: "AKIAPLEXUSTEST",
  secretAccessKey: "plexus/test+secret/KEY",
  sessionToken: "IQoJb3JpZ2luX2VjEPlexusSessionToken//==",
};

/** A `bedrock` provider on the fake, signing with SigV4 (or with `apiKey`, a bearer key). */
function bedrockConfig(url: string, names: string[], apiKey?: string): Config {
  const providers = Object.fromEntries(
    names.map((name) => [name, { api: "bedrock" as const, baseUrl: url, models: [CLAUDE] }]),
  );
  const config = testConfig(providers, {
    sonnet: { targets: names.map((provider) => ({ provider, model: CLAUDE })) },
  });
  for (const name of names) {
    config.providers[name].apiKey = apiKey;
    if (apiKey === undefined) config.providers[name].aws = { ...CREDENTIALS };
  }
  return config;
}

async function withBedrock(
  test: (fake: FakeBedrock, gateway: TestGateway) => Promise<void>,
  options: { apiKey?: string; providers?: string[] } = {},
): Promise<void> {
  const fake = startFakeBedrock(
    options.apiKey === undefined ? { credentials: CREDENTIALS } : { apiKey: options.apiKey },
  );
  const gateway = await startGateway(
    bedrockConfig(fake.url, options.providers ?? ["bedrock"], options.apiKey),
  );
  try {
    await test(fake, gateway);
  } finally {
    await gateway.close();
    await fake.close();
  }
}

for (const client of INBOUND_API_NAMES) {
  for (const stream of [false, true]) {
    const mode = stream ? "streamed" : "whole";
    Deno.test(`bedrock: a ${client} client gets text and a tool call, ${mode}`, async () => {
      await withBedrock(async (fake, gateway) => {
        const answer = await ask(client, gateway.url, { model: "sonnet", prompt: "Hi", stream });
        assert.equal(answer.text, "Hello from Bedrock!");
        assert.equal(answer.stop, NORMAL_STOP[client]);

        const call = await ask(client, gateway.url, {
          model: "sonnet",
          prompt: "Weather in Paris?",
          stream,
          withTool: true,
          system: "Use tools.",
        });
        assert.equal(call.toolCalls.length, 1);
        assert.equal(call.toolCalls[0].name, "get_weather");
        assert.deepEqual(call.toolCalls[0].args, { city: "Paris" });
        assert.equal(call.stop, TOOL_STOP[client]);

        // What Bedrock received: the documented path, a valid signature, the Converse body.
        assert.equal(fake.requests.length, 2);
        for (const request of fake.requests) {
          assert.equal(request.authProblem, undefined);
          assert.equal(request.modelId, CLAUDE);
          assert.equal(
            request.path,
            `/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/${
              stream ? "converse-stream" : "converse"
            }`,
          );
          assert.equal(request.headers["x-amz-security-token"], CREDENTIALS.sessionToken);
        }
        const sent = fake.requests[1].body;
        assert.deepEqual(sent.system, [{ text: "Use tools." }]);
        assert.equal(
          (sent.toolConfig as { tools: Array<{ toolSpec: { name: string } }> }).tools[0].toolSpec
            .name,
          "get_weather",
        );

        const records = await gateway.waitForRecords(2);
        for (const record of records) {
          assert.equal(record.status, 200);
          assert.equal(record.apiOut, "bedrock");
          assert.equal(record.provider, "bedrock");
          assert.equal(record.usage?.inputTokens, 18);
          assert.equal(record.usage?.cacheReadTokens, 4);
          assert.equal(record.usage?.cacheWriteTokens, 2);
          assert.equal(record.usage?.outputTokens, 7);
        }
      });
    });
  }
}

for (const stream of [false, true]) {
  Deno.test(`bedrock: Claude thinking reaches an Anthropic client with its signature and goes back unchanged${stream ? " (stream)" : ""}`, async () => {
    await withBedrock(async (fake, gateway) => {
      const client = anthropicClient(gateway.url);
      const params: Anthropic.MessageCreateParamsNonStreaming = {
        model: "sonnet",
        max_tokens: 4096,
        thinking: { type: "enabled", budget_tokens: 2048 },
        messages: [{ role: "user", content: "Say hello" }],
      };
      const message = stream
        ? await client.messages.stream(params).finalMessage()
        : await client.messages.create(params);
      const thinking = message.content.find((block) => block.type === "thinking");
      assert.ok(thinking?.type === "thinking");
      assert.equal(thinking.thinking, "The user wants a greeting.");
      assert.equal(thinking.signature, "c2lnbmF0dXJlLWJlZHJvY2s=");
      assert.deepEqual(fake.requests[0].body.additionalModelRequestFields, {
        thinking: { type: "enabled", budget_tokens: 2048 },
      });

      await client.messages.create({
        ...params,
        messages: [
          ...params.messages,
          { role: "assistant", content: message.content },
          { role: "user", content: "Again" },
        ],
      });
      const turns = fake.requests[1].body.messages as Array<{ content: unknown[] }>;
      assert.deepEqual(turns[1].content[0], {
        reasoningContent: {
          reasoningText: {
            text: "The user wants a greeting.",
            signature: "c2lnbmF0dXJlLWJlZHJvY2s=",
          },
        },
      });
    });
  });
}

Deno.test("bedrock: a Bedrock API key is sent as a bearer token, without SigV4", async () => {
  await withBedrock(async (fake, gateway) => {
    const answer = await ask("chat", gateway.url, { model: "sonnet", prompt: "Hi", stream: true });
    assert.equal(answer.text, "Hello from Bedrock!");
    assert.equal(fake.requests[0].authProblem, undefined);
    assert.equal(fake.requests[0].headers["x-amz-date"], undefined);
  }, { apiKey: "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl" });
});

Deno.test("bedrock: a wrong secret is refused by the signature check and reported, secret-free", async () => {
  const fake = startFakeBedrock({ credentials: CREDENTIALS });
  const config = bedrockConfig(fake.url, ["bedrock"]);
  config.providers.bedrock.aws = { ...CREDENTIALS, secretAccessKey: "not-the-secret-at-all" };
  const gateway = await startGateway(config);
  try {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer test-client-key", "content-type": "application/json" },
      body: JSON.stringify({ model: "sonnet", messages: [{ role: "user", content: "Hi" }] }),
    });
    const text = await response.text();
    assert.ok(response.status >= 400, `status ${response.status}`);
    assert.match(fake.requests[0].authProblem ?? "", /signature we calculated does not match/);
    assert.ok(!text.includes("not-the-secret-at-all"));
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("bedrock: ValidationException is the client's 400; a quota error falls back to the next target", async () => {
  await withBedrock(async (fake, gateway) => {
    const client = openaiClient(gateway.url);
    fake.script({
      kind: "error",
      status: 400,
      type: "ValidationException",
      message: "Malformed input request",
    });
    await assert.rejects(
      client.chat.completions.create({
        model: "sonnet",
        messages: [{ role: "user", content: "x" }],
      }),
      (error: { status?: number; message?: string }) => {
        assert.equal(error.status, 400);
        assert.match(String(error.message), /Malformed input request/);
        return true;
      },
    );
    fake.script({
      kind: "error",
      status: 400,
      type: "ServiceQuotaExceededException",
      message: "Too many tokens per day",
    });
    const answer = await client.chat.completions.create({
      model: "sonnet",
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(answer.choices[0].message.content, "Hello from Bedrock!");
    const records = await gateway.waitForRecords(2);
    assert.equal(records[1].attempts[0].provider, "bedrock");
    assert.equal(records[1].provider, "bedrock2");
  }, { providers: ["bedrock", "bedrock2"] });
});

Deno.test("bedrock: ThrottlingException (429) is a rate limit for the client", async () => {
  await withBedrock(async (fake, gateway) => {
    fake.script({
      kind: "error",
      status: 429,
      type: "ThrottlingException",
      message: "Too many requests",
    });
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "test-client-key", "content-type": "application/json" },
      body: JSON.stringify({
        model: "sonnet",
        max_tokens: 10,
        messages: [{ role: "user", content: "x" }],
      }),
    });
    const body = await response.json();
    assert.equal(response.status, 429);
    assert.equal(body.error.type, "rate_limit_error");
  });
});

for (
  const [reply, kind] of [
    [
      { kind: "exception", afterEvents: 3, exception: "throttlingException", message: "Slow down" },
      "rate_limit",
    ],
    [
      { kind: "exception", afterEvents: 3, exception: "validationException", message: "Bad" },
      "invalid_request",
    ],
    [{ kind: "corrupt", afterEvents: 3 }, "bad_gateway"],
  ] as const
) {
  Deno.test(`bedrock: a ${reply.kind === "corrupt" ? "frame with a bad CRC" : reply.exception} mid-stream ends the client's stream with an error (${kind})`, async () => {
    await withBedrock(async (fake, gateway) => {
      fake.script(reply);
      // Read as raw SSE, so the whole stream is seen (an SDK stops at the error frame).
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer test-client-key", "content-type": "application/json" },
        body: JSON.stringify({
          model: "sonnet",
          stream: true,
          messages: [{ role: "user", content: "x" }],
        }),
      });
      const text = await response.text();
      assert.match(text, /"error":\{/);
      assert.ok(!text.includes("garbage"));
      assert.ok(text.includes("Hello"), "content before the failure still reached the client");
      const [record] = await gateway.waitForRecords(1);
      assert.equal(record.error?.kind, kind);
    });
  });
}

Deno.test("bedrock: /v0/config shows the region but no AWS key id, secret or session token", async () => {
  await withBedrock(async (_fake, gateway) => {
    const response = await fetch(`${gateway.url}/v0/config`, {
      headers: { authorization: "Bearer test-admin-key" },
    });
    assert.equal(response.status, 200);
    const text = await response.text();
    for (
      const secret of [
        CREDENTIALS.accessKeyId,
        CREDENTIALS.secretAccessKey,
        CREDENTIALS.sessionToken!,
      ]
    ) {
      assert.ok(!text.includes(secret), "an AWS credential leaked");
    }
    const provider = JSON.parse(text).providers.bedrock;
    assert.equal(provider.aws.region, CREDENTIALS.region);
    assert.equal(provider.aws.secret_access_key, "[redacted]");
  });
});
