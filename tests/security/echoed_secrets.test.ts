/**
 * A provider that echoes what it received: its key, the configured header values and the
 * credentials of its base URL never reach the client, the usage records or the admin API, on
 * any path (error status, 200 carrying an error, mid-stream error event, token count).
 */
import assert from "node:assert/strict";
import { TEST_KEY, testConfig, type TestProvider } from "../support/config.ts";
import { startGateway } from "../support/gateway.ts";
import {
  type Answer,
  answerText,
  SSE_HEAD,
  startHostileUpstream,
  write,
} from "./hostile_upstream.ts";

const API_KEY = "sk-provider-live-1234567890";
const HEADER_VALUE = "org-header-secret-778899";
const URL_PASSWORD = "url-pass-445566";
const SECRETS = [API_KEY, HEADER_VALUE, URL_PASSWORD];

/** Everything the provider saw, plus the URL password it somehow knows. */
const echo = (head: string) => `${head} ${URL_PASSWORD}`;

const ANSWERS: Record<string, Answer> = {
  "error status": async (conn, request) => {
    const body = JSON.stringify({ error: { message: echo(request.head), type: "invalid" } });
    await write(conn, answerText(400, "application/json", body));
  },
  "200 carrying an error": async (conn, request) => {
    const body = JSON.stringify({ error: { message: echo(request.head) } });
    await write(conn, answerText(200, "application/json", body));
  },
  "mid-stream error event": async (conn, request) => {
    const error = JSON.stringify({
      type: "error",
      error: { type: "overloaded_error", message: echo(request.head) },
    });
    await write(
      conn,
      SSE_HEAD +
        `event: message_start\ndata: ${
          JSON.stringify({
            type: "message_start",
            message: {
              id: "m1",
              type: "message",
              role: "assistant",
              model: "m",
              content: [],
              usage: { input_tokens: 1, output_tokens: 0 },
            },
          })
        }\n\n` + `event: error\ndata: ${error}\n\n`,
    );
    conn.close();
  },
};

Deno.test("secrets a provider echoes are removed on every path", async (t) => {
  for (const [name, answer] of Object.entries(ANSWERS)) {
    const pairs = name === "mid-stream error event"
      ? [["chat", "messages"], ["messages", "messages"]] as const
      : [["chat", "messages"], ["messages", "messages"], ["chat", "chat"], [
        "messages",
        "chat",
      ]] as const;
    for (const [client, api] of pairs) {
      await t.step(`${name}: ${client} client, ${api} provider`, async () => {
        const upstream = startHostileUpstream(answer);
        const provider: TestProvider = {
          api,
          baseUrl: upstream.url.replace("http://", `http://plexus:${URL_PASSWORD}@`) +
            (api === "chat" ? "/v1" : ""),
          apiKey: API_KEY,
          headers: { "x-org-token": HEADER_VALUE },
          models: ["m"],
        };
        const gateway = await startGateway(
          testConfig({ p: provider }, { smart: { targets: [{ provider: "p", model: "m" }] } }),
        );
        try {
          const stream = name === "mid-stream error event";
          const path = client === "chat" ? "/v1/chat/completions" : "/v1/messages";
          const response = await fetch(gateway.url + path, {
            method: "POST",
            headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
            body: JSON.stringify({
              model: "smart",
              max_tokens: 10,
              stream,
              messages: [{ role: "user", content: "hi" }],
            }),
          });
          const text = await response.text();
          const records = JSON.stringify(await gateway.waitForRecords(1));
          assert.ok(upstream.requests[0].head.includes(API_KEY), "the provider did get its key");
          for (const secret of SECRETS) {
            assert.ok(!text.includes(secret), `${secret} reached the client: ${text}`);
            assert.ok(!records.includes(secret), `${secret} is in the usage record`);
          }
          // Where the provider's words are quoted, they are quoted without the secrets.
          if ((text + records).includes("x-org-token")) {
            assert.match(text + records, /\[redacted\]/);
          }
        } finally {
          await gateway.close();
          await upstream.close();
        }
      });
    }
  }
});

Deno.test("a token count error that echoes the provider's secrets is redacted", async () => {
  const upstream = startHostileUpstream(ANSWERS["error status"]);
  const gateway = await startGateway(testConfig({
    p: {
      api: "messages",
      baseUrl: upstream.url,
      apiKey: API_KEY,
      headers: { "x-org-token": HEADER_VALUE },
      models: ["m"],
    },
  }, { smart: { targets: [{ provider: "p", model: "m" }] } }));
  try {
    const response = await fetch(`${gateway.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "x-api-key": TEST_KEY, "content-type": "application/json" },
      body: JSON.stringify({ model: "smart", messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await response.text();
    assert.ok(upstream.requests.length > 0);
    for (const secret of SECRETS) assert.ok(!text.includes(secret), text);
  } finally {
    await gateway.close();
    await upstream.close();
  }
});
