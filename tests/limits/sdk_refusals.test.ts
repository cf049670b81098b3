/**
 * What the official SDKs make of Plexus's refusals: OpenAI's client raises RateLimitError with the
 * `x-ratelimit-*` headers and a budget's code, Anthropic's PermissionDeniedError for a model
 * outside the key's scope, Gemini's an error with status 429.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";

const SECRET = "sdk-limited-secret";

Deno.test("official SDKs see limits and scopes as their own rate-limit and permission errors", async () => {
  const fake = await startFakeUpstream();
  const config = testConfig(
    {
      up: {
        api: "chat",
        baseUrl: fake.url + "/v1",
        models: ["m"],
        pricing: { m: { input: 0, output: 2000 } },
      },
    },
    {
      smart: { targets: [{ provider: "up", model: "m" }] },
      other: { targets: [{ provider: "up", model: "m" }] },
    },
  );
  config.keys.push({
    name: "sdk",
    secret: SECRET,
    models: ["smart"],
    limits: { requestsPerMinute: 2 },
  });
  const gw = await startGateway(config);
  try {
    const openai = new OpenAI({ apiKey: SECRET, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const ask = () =>
      openai.chat.completions.create({
        model: "smart",
        max_tokens: 5,
        messages: [{ role: "user", content: "hi" }],
      });
    const first = await ask().withResponse();
    assert.equal(first.response.headers.get("x-ratelimit-remaining-requests"), "1");
    await ask();
    const refused = await ask().then(() => undefined, (error: unknown) => error);
    assert.ok(refused instanceof OpenAI.RateLimitError, String(refused));
    assert.equal(refused.status, 429);
    assert.equal(refused.headers?.get("x-ratelimit-limit-requests"), "2");
    assert.equal(refused.headers?.get("x-ratelimit-remaining-requests"), "0");
    assert.ok(Number(refused.headers?.get("retry-after")) >= 1);
    assert.match(refused.message, /Rate limit reached for key 'sdk': 2 requests per minute/);

    const anthropic = new Anthropic({ apiKey: SECRET, baseURL: gw.url, maxRetries: 0 });
    const outside = await anthropic.messages.create({
      model: "other",
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
    }).then(() => undefined, (error: unknown) => error);
    assert.ok(outside instanceof Anthropic.PermissionDeniedError, String(outside));
    assert.match(outside.message, /not allowed to use the model 'other'/);

    const gemini = new GoogleGenAI({
      apiKey: SECRET,
      httpOptions: { baseUrl: gw.url, retryOptions: { attempts: 1 } },
    });
    const limited = await gemini.models.generateContent({ model: "smart", contents: "hi" })
      .then(() => undefined, (error: unknown) => error);
    assert.ok(limited instanceof Error);
    assert.match(limited.message, /429|RESOURCE_EXHAUSTED|Rate limit/);
  } finally {
    await gw.close();
    await fake.close();
  }
});
