/**
 * Streams are never buffered: a client sees the first words while the upstream is still
 * generating, and a client that leaves cancels the upstream request at once.
 */
import assert from "node:assert/strict";
import { INBOUND_API_NAMES, type InboundApiName } from "../../src/codecs/registry.ts";
import { providerPerApi, TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";

/** Upstream frames up to and including the first text delta of the fake's canned answer. */
const FRAMES_TO_FIRST_TEXT: Record<InboundApiName, number> = {
  chat: 2,
  messages: 4,
  responses: 5,
  gemini: 1,
};

function streamRequest(api: InboundApiName, model: string): { path: string; body: unknown } {
  switch (api) {
    case "chat":
      return {
        path: "/v1/chat/completions",
        body: { model, stream: true, messages: [{ role: "user", content: "hi" }] },
      };
    case "messages":
      return {
        path: "/v1/messages",
        body: { model, stream: true, max_tokens: 50, messages: [{ role: "user", content: "hi" }] },
      };
    case "responses":
      return { path: "/v1/responses", body: { model, stream: true, input: "hi" } };
    case "gemini":
      return {
        path: `/v1beta/models/${model}:streamGenerateContent?alt=sse`,
        body: { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
      };
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Opens a stream from `client` to `provider` and reads until `wanted` appears. The upstream hangs
 * mid-stream, so a read that waits for more is the failure: each read races a 2 s stall timer.
 */
async function readUntil(
  gatewayUrl: string,
  client: InboundApiName,
  provider: InboundApiName,
  wanted: string,
): Promise<{ seen: string; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const { path, body } = streamRequest(client, `p_${provider}/m`);
  const response = await fetch(gatewayUrl + path, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<"stalled">((resolve) => {
    timer = setTimeout(() => resolve("stalled"), 2000);
  });
  try {
    while (!seen.includes(wanted)) {
      const read = await Promise.race([reader.read(), stalled]);
      if (read === "stalled" || read.done) break;
      seen += decoder.decode(read.value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
  return { seen, reader };
}

/** What a client's stream opens with, before any content. */
const FIRST_EVENT: Partial<Record<InboundApiName, string>> = {
  chat: "chat.completion.chunk",
  messages: "message_start",
  responses: "response.created",
};

Deno.test("a stream opens for the client as soon as the upstream's first frame arrives, before any text", async (t) => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"])));
  try {
    // Gemini's first frame already carries text, and a Gemini stream has no opening event.
    for (const client of ["chat", "messages", "responses"] as const) {
      for (const provider of ["chat", "messages", "responses"] as const) {
        await t.step(`${client} client, ${provider} provider`, async () => {
          fake.reset();
          fake.enqueue({ kind: "hang_mid_stream", afterFrames: 1 });
          const { seen, reader } = await readUntil(
            gateway.url,
            client,
            provider,
            FIRST_EVENT[client]!,
          );
          assert.ok(seen.includes(FIRST_EVENT[client]!), `opening event arrived: ${seen}`);
          await reader.cancel();
          await waitFor(() => fake.aborted === 1, "the upstream to see the client leave");
        });
      }
    }
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("the first words reach the client while the upstream stalls, and leaving cancels it", async (t) => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"])));
  try {
    for (const client of INBOUND_API_NAMES) {
      for (const provider of INBOUND_API_NAMES) {
        await t.step(`${client} client, ${provider} provider`, async () => {
          fake.reset();
          fake.enqueue({ kind: "hang_mid_stream", afterFrames: FRAMES_TO_FIRST_TEXT[provider] });
          const { seen, reader } = await readUntil(gateway.url, client, provider, "Hello");
          assert.ok(seen.includes("Hello"), `first text delta arrived: ${seen.slice(0, 300)}`);
          await reader.cancel();
          await waitFor(() => fake.aborted === 1, "the upstream to see the client leave");
        });
      }
    }
    await t.step("each abandoned stream is logged as a client abort", async () => {
      const records = await gateway.waitForRecords(16);
      assert.ok(records.every((r) => r.status === 499 && r.error?.kind === "client_aborted"));
      assert.ok(records.every((r) => r.ttftMs !== undefined), "first-token time was measured");
    });
  } finally {
    await gateway.close();
    await fake.close();
  }
});
