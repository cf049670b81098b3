/**
 * Requests that used to reach the provider (or give a 500) are a 400 in the caller's dialect,
 * naming the JSON path at fault, and nothing is sent upstream.
 */
import assert from "node:assert/strict";
/** The four chat APIs a client can speak. */
type ApiName = "chat" | "messages" | "responses" | "gemini";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";

const PATH: Record<ApiName, string> = {
  chat: "/v1/chat/completions",
  messages: "/v1/messages",
  responses: "/v1/responses",
  gemini: "/v1beta/models/smart:generateContent",
};

const user = [{ role: "user", content: "hi" }];
const geminiUser = (parts: unknown[]) => [{ role: "user", parts }];
let nested: unknown = "x";
for (let i = 0; i < 10_000; i++) nested = { a: nested };

const CASES: Array<{ name: string; api: ApiName; body: string; path: RegExp }> = [
  {
    name: "chat tool parameters as a string",
    api: "chat",
    body: JSON.stringify({
      model: "smart",
      messages: user,
      tools: [{ type: "function", function: { name: "f", parameters: '{"type":"object"}' } }],
    }),
    path: /tools\[0\]\.function\.parameters/,
  },
  {
    name: "chat stream_options as an array",
    api: "chat",
    body: JSON.stringify({ model: "smart", messages: user, stream_options: [] }),
    path: /stream_options/,
  },
  {
    name: "Anthropic metadata nested 10,000 deep",
    api: "messages",
    body: JSON.stringify({ model: "smart", max_tokens: 5, messages: user, metadata: nested }),
    path: /metadata/,
  },
  {
    name: "Anthropic metadata with an object value",
    api: "messages",
    body: JSON.stringify({ model: "smart", max_tokens: 5, messages: user, metadata: { a: {} } }),
    path: /metadata\.a/,
  },
  {
    name: "Responses text as an empty array",
    api: "responses",
    body: JSON.stringify({ model: "smart", input: "hi", text: [] }),
    path: /text: expected an object/,
  },
  {
    name: "Responses text as an array with a format",
    api: "responses",
    body: JSON.stringify({ model: "smart", input: "hi", text: [{ format: { type: "text" } }] }),
    path: /text: expected an object/,
  },
  {
    name: "Responses input twice, the last a string",
    api: "responses",
    body: `{"model":"smart","input":[{"role":"user","content":"a"}],"input":"b"}`,
    path: /'input'/,
  },
  {
    name: "Gemini content with no parts",
    api: "gemini",
    body: JSON.stringify({ contents: geminiUser([]) }),
    path: /contents\[0\]\.parts/,
  },
  {
    name: "Gemini maxOutputTokens 2.5",
    api: "gemini",
    body: JSON.stringify({
      contents: geminiUser([{ text: "hi" }]),
      generationConfig: { maxOutputTokens: 2.5 },
    }),
    path: /generationConfig\.maxOutputTokens/,
  },
  {
    name: "Gemini maxOutputTokens -100",
    api: "gemini",
    body: JSON.stringify({
      contents: geminiUser([{ text: "hi" }]),
      generationConfig: { maxOutputTokens: -100 },
    }),
    path: /generationConfig\.maxOutputTokens/,
  },
];

function errorMessage(api: ApiName, body: Record<string, unknown>): string {
  const error = body.error as Record<string, unknown>;
  if (api === "messages") assert.equal(body.type, "error");
  if (api === "gemini") assert.equal(error.status, "INVALID_ARGUMENT");
  if (api === "chat" || api === "responses") assert.equal(error.type, "invalid_request_error");
  return String(error.message);
}

Deno.test("invalid requests are a 400 in the caller's dialect naming the JSON path", async (t) => {
  const upstream = await startFakeUpstream();
  const providers = {
    oc: { api: "chat" as const, baseUrl: `${upstream.url}/v1`, models: ["m"] },
    om: { api: "messages" as const, baseUrl: upstream.url, models: ["m"] },
    or: { api: "responses" as const, baseUrl: `${upstream.url}/v1`, models: ["m"] },
    og: { api: "gemini" as const, baseUrl: `${upstream.url}/v1beta`, models: ["m"] },
  };
  const provider = { chat: "oc", messages: "om", responses: "or", gemini: "og" } as const;
  try {
    for (const target of ["same API", "translated"] as const) {
      for (const { name, api, body, path } of CASES) {
        await t.step(`${name} (${target})`, async () => {
          const to = target === "same API" ? provider[api] : api === "chat" ? "om" : "oc";
          const config = testConfig(providers, {
            smart: { targets: [{ provider: to, model: "m" }] },
          });
          const gateway = await startGateway(config);
          try {
            const response = await fetch(gateway.url + PATH[api], {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${TEST_KEY}` },
              body,
            });
            const answer = await response.json();
            assert.equal(response.status, 400, JSON.stringify(answer));
            assert.match(errorMessage(api, answer), path);
            assert.equal(upstream.requests.length, 0, "nothing reached the provider");
            assert.equal((await gateway.waitForRecords(1)).length, 1);
          } finally {
            await gateway.close();
          }
        });
      }
    }
  } finally {
    await upstream.close();
  }
});
