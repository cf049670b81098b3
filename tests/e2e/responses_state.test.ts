/**
 * The Responses API's server-side state through Plexus, with the official `openai` SDK:
 * `previous_response_id`, `item_reference`, `store` and retrieve/delete work on any provider
 * (Plexus keeps translated answers), and go unchanged to the Responses provider that keeps them.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { providerPerApi, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { openaiClient } from "./clients.ts";

type Json = Record<string, unknown>;

async function setup() {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"]), {
    // In order: a follow-up must still reach the provider that keeps its response.
    chat_first: {
      targets: [{ provider: "p_chat", model: "m" }, { provider: "p_responses", model: "m" }],
    },
  }));
  return {
    fake,
    client: openaiClient(gateway.url),
    gateway,
    async close() {
      await gateway.close();
      await fake.close();
    },
  };
}

/** The conversation a chat provider received: role and text of each message. */
function chatConversation(body: unknown): string[] {
  return (body as { messages: Json[] }).messages.map((m) => `${m.role}: ${m.content}`);
}

async function finalResponse(
  stream: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>,
): Promise<OpenAI.Responses.Response> {
  let done: OpenAI.Responses.Response | undefined;
  for await (const event of stream) if (event.type === "response.completed") done = event.response;
  return done!;
}

Deno.test("previous_response_id continues a translated conversation on any provider", async (t) => {
  const { fake, client, close } = await setup();
  try {
    fake.enqueue({ kind: "scenario", scenario: { text: ["Paris."] } });
    const first = await client.responses.create({ model: "p_chat/m", input: "Capital of France?" });
    assert.equal((first as unknown as Json).store, true);
    fake.enqueue({ kind: "scenario", scenario: { text: ["Berlin."] } });
    const second = await finalResponse(
      await client.responses.create({
        model: "p_chat/m",
        input: "And Germany?",
        previous_response_id: first.id,
        stream: true,
      }),
    );
    assert.equal(second.previous_response_id, first.id);
    await t.step("the provider got the whole conversation", () => {
      assert.deepEqual(chatConversation(fake.lastRequest("chat")!.body), [
        "user: Capital of France?",
        "assistant: Paris.",
        "user: And Germany?",
      ]);
    });
    await t.step("a third turn, on another provider API, gets both earlier turns", async () => {
      await client.responses.create({
        model: "p_messages/m",
        input: "And Italy?",
        previous_response_id: second.id,
      });
      const sent = fake.lastRequest("messages")!.body as { messages: Json[] };
      const texts = sent.messages.map((m) =>
        typeof m.content === "string"
          ? m.content
          : (m.content as Json[]).map((b) => b.text).join("")
      );
      assert.deepEqual(texts, [
        "Capital of France?",
        "Paris.",
        "And Germany?",
        "Berlin.",
        "And Italy?",
      ]);
    });
    await t.step("item_reference brings back one earlier item", async () => {
      const answer = first.output.find((i) => i.type === "message")!;
      await client.responses.create({
        model: "p_chat/m",
        input: [
          { role: "user", content: "Capital of France?" },
          { type: "item_reference", id: answer.id },
          { role: "user", content: "Sure?" },
        ],
      });
      assert.deepEqual(chatConversation(fake.lastRequest("chat")!.body), [
        "user: Capital of France?",
        "assistant: Paris.",
        "user: Sure?",
      ]);
    });
  } finally {
    await close();
  }
});

Deno.test("a kept response can be retrieved and deleted; then it is gone", async () => {
  const { client, close } = await setup();
  try {
    const created = await client.responses.create({ model: "p_gemini/m", input: "Hi" });
    const retrieved = await client.responses.retrieve(created.id);
    assert.equal(retrieved.id, created.id);
    assert.deepEqual(retrieved.output, created.output);
    await client.responses.delete(created.id);
    await assert.rejects(() => client.responses.retrieve(created.id), OpenAI.NotFoundError);
    const error = await client.responses.create({
      model: "p_chat/m",
      input: "again",
      previous_response_id: created.id,
    }).catch((e) => e);
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.code, "previous_response_not_found");
    assert.equal(error.param, "previous_response_id");
  } finally {
    await close();
  }
});

Deno.test("store: false keeps nothing", async () => {
  const { fake, client, close } = await setup();
  try {
    const created = await client.responses.create({ model: "p_chat/m", input: "Hi", store: false });
    assert.equal((created as unknown as Json).store, false);
    await assert.rejects(() => client.responses.retrieve(created.id), OpenAI.NotFoundError);
    const before = fake.requests.length;
    await assert.rejects(
      () =>
        client.responses.create({
          model: "p_chat/m",
          input: "again",
          previous_response_id: created.id,
        }),
      OpenAI.BadRequestError,
    );
    assert.equal(fake.requests.length, before, "no provider was asked");
  } finally {
    await close();
  }
});

Deno.test("a Responses provider's own response: the follow-up goes back to it unchanged", async () => {
  const { fake, client, close } = await setup();
  try {
    const first = await client.responses.create({ model: "p_responses/m", input: "Hi" });
    assert.match(first.id, /^resp_/);
    fake.reset();
    await client.responses.create({
      model: "chat_first",
      input: [{ type: "item_reference", id: "msg_upstream_1" }, { role: "user", content: "More" }],
      previous_response_id: first.id,
    });
    assert.equal(fake.requests.length, 1);
    const sent = fake.lastRequest()!;
    assert.equal(sent.api, "responses", "the provider that keeps the response");
    const body = sent.body as Json;
    assert.equal(body.previous_response_id, first.id);
    assert.deepEqual((body.input as Json[])[0], { type: "item_reference", id: "msg_upstream_1" });
  } finally {
    await close();
  }
});

Deno.test("an unknown id is OpenAI's 400 on a translated path, the provider's call as is", async () => {
  const { fake, client, close } = await setup();
  try {
    const error = await client.responses.create({
      model: "p_chat/m",
      input: "Hi",
      previous_response_id: "resp_unknown",
    }).catch((e) => e);
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.code, "previous_response_not_found");
    assert.match(error.message, /Previous response with id 'resp_unknown' not found/);
    const missingItem = await client.responses.create({
      model: "p_chat/m",
      input: [{ type: "item_reference", id: "msg_nowhere" }],
    }).catch((e) => e);
    assert.ok(missingItem instanceof OpenAI.NotFoundError);
    await client.responses.create({
      model: "p_responses/m",
      input: "Hi",
      previous_response_id: "resp_unknown",
    });
    assert.equal(
      (fake.lastRequest("responses")!.body as Json).previous_response_id,
      "resp_unknown",
    );
  } finally {
    await close();
  }
});
