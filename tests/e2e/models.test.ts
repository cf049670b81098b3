/** `GET /v1/models` lists aliases and provider/model ids to both official SDKs, behind auth. */
import assert from "node:assert/strict";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startGateway } from "../support/gateway.ts";
import { anthropicClient, openaiClient } from "./clients.ts";

const config = testConfig(
  {
    openai: { api: "chat", baseUrl: "http://127.0.0.1:9/v1", models: ["gpt-4o"] },
    anthropic: { api: "messages", baseUrl: "http://127.0.0.1:9", models: ["claude-x"] },
  },
  { smart: { targets: [{ provider: "anthropic", model: "claude-x" }] } },
);

Deno.test("the OpenAI SDK lists every alias and provider/model with its owner", async () => {
  const gateway = await startGateway(config);
  try {
    const models = [];
    for await (const model of openaiClient(gateway.url).models.list()) models.push(model);
    const owners = Object.fromEntries(models.map((m) => [m.id, m.owned_by]));
    assert.deepEqual(owners, {
      smart: "plexus",
      "openai/gpt-4o": "openai",
      "anthropic/claude-x": "anthropic",
    });
  } finally {
    await gateway.close();
  }
});

Deno.test("the Anthropic SDK lists the same models in its own format", async () => {
  const gateway = await startGateway(config);
  try {
    const ids = [];
    for await (const model of anthropicClient(gateway.url).models.list()) ids.push(model.id);
    assert.deepEqual(ids.sort(), ["anthropic/claude-x", "openai/gpt-4o", "smart"]);
  } finally {
    await gateway.close();
  }
});

Deno.test("listing models needs a valid key", async () => {
  const gateway = await startGateway(config);
  try {
    const res = await fetch(gateway.url + "/v1/models");
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error.type, "authentication_error");
  } finally {
    await gateway.close();
  }
});

Deno.test("the model list reads as OpenAI's format whatever auth header the caller used", async () => {
  const gateway = await startGateway(config);
  try {
    const res = await fetch(gateway.url + "/v1/models", {
      headers: { "x-api-key": TEST_KEY, "anthropic-version": "2023-06-01" },
    });
    const body = await res.json();
    assert.equal(body.object, "list");
    const smart = body.data.find((m: { id: string }) => m.id === "smart");
    assert.equal(smart.owned_by, "plexus");
    assert.equal(smart.type, "model", "Anthropic clients find their fields too");
  } finally {
    await gateway.close();
  }
});
