/**
 * Thinking survives translation: a client in one dialect sees the reasoning an upstream in
 * another produced, and when it sends the turn back, the upstream gets its signature unchanged,
 * so a multi-turn conversation with thinking and tools keeps working.
 */
import assert from "node:assert/strict";
import type OpenAI from "openai";
import type Anthropic from "@anthropic-ai/sdk";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { anthropicClient, openaiClient } from "./clients.ts";

const SIGNATURE = "EqQBCkYIBxgCKkBsignature+/==";

const thinkingThenTool = {
  kind: "scenario" as const,
  scenario: {
    reasoning: { pieces: ["Let me ", "check the weather."], signature: SIGNATURE },
    text: [],
    toolCalls: [{ id: "toolu_01A", name: "get_weather", argumentPieces: ['{"city":', '"Paris"}'] }],
    stop: "tool_use" as const,
  },
};

const tools: OpenAI.ChatCompletionTool[] = [{
  type: "function",
  function: {
    name: "get_weather",
    parameters: { type: "object", properties: { city: { type: "string" } } },
  },
}];

type Json = Record<string, unknown>;

async function setup() {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig({
    claude: { api: "messages", baseUrl: fake.url, models: ["opus"] },
    deepseek: { api: "chat", baseUrl: fake.url + "/v1", models: ["reasoner"] },
  }));
  return {
    fake,
    gateway,
    async close() {
      await gateway.close();
      await fake.close();
    },
  };
}

/** The thinking blocks the Anthropic upstream received in its last request. */
function thinkingBlocksSent(body: unknown): Json[] {
  const messages = (body as { messages: Array<{ role: string; content: unknown }> }).messages;
  return messages
    .filter((m) => m.role === "assistant" && Array.isArray(m.content))
    .flatMap((m) => m.content as Json[])
    .filter((b) => b.type === "thinking");
}

for (const stream of [false, true]) {
  Deno.test(
    `a chat client keeps an Anthropic thinking signature across turns${stream ? " (stream)" : ""}`,
    async () => {
      const { fake, gateway, close } = await setup();
      try {
        fake.enqueue(thinkingThenTool);
        const client = openaiClient(gateway.url);
        const first: OpenAI.ChatCompletionMessageParam[] = [
          { role: "user", content: "Weather in Paris?" },
        ];
        let assistant: Json;
        if (!stream) {
          const r = await client.chat.completions.create({
            model: "claude/opus",
            messages: first,
            tools,
            reasoning_effort: "medium",
          });
          assistant = r.choices[0].message as unknown as Json;
        } else {
          // Join the deltas the way a careful chat client does, extra fields included.
          const s = await client.chat.completions.create({
            model: "claude/opus",
            messages: first,
            tools,
            reasoning_effort: "medium",
            stream: true,
          });
          let reasoning = "";
          const details: unknown[] = [];
          let args = "";
          let id = "";
          for await (const chunk of s) {
            const delta = (chunk.choices[0]?.delta ?? {}) as Json;
            reasoning += (delta.reasoning_content as string | undefined) ?? "";
            if (Array.isArray(delta.reasoning_details)) details.push(...delta.reasoning_details);
            for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
              if (tc.id) id = tc.id;
              args += tc.function?.arguments ?? "";
            }
          }
          assistant = {
            role: "assistant",
            content: null,
            reasoning_content: reasoning,
            reasoning_details: details,
            tool_calls: [{
              id,
              type: "function",
              function: { name: "get_weather", arguments: args },
            }],
          };
        }
        assert.equal(assistant.reasoning_content, "Let me check the weather.");
        const calls = assistant.tool_calls as Array<
          { id: string; function: { arguments: string } }
        >;
        assert.deepEqual(JSON.parse(calls[0].function.arguments), { city: "Paris" });

        const upstreamFirst = fake.lastRequest("messages")!.body as Json;
        assert.equal((upstreamFirst.thinking as Json).type, "enabled", "effort became thinking");

        await client.chat.completions.create({
          model: "claude/opus",
          tools,
          messages: [
            ...first,
            assistant as unknown as OpenAI.ChatCompletionMessageParam,
            { role: "tool", tool_call_id: calls[0].id, content: "18°C and sunny" },
          ],
        });
        const second = fake.lastRequest("messages")!.body as Json;
        const thinking = thinkingBlocksSent(second);
        assert.equal(thinking.length, 1, JSON.stringify(second.messages));
        assert.equal(thinking[0].signature, SIGNATURE);
        assert.equal(thinking[0].thinking, "Let me check the weather.");
        const messages = second.messages as Array<{ role: string; content: Json[] }>;
        const last = messages.at(-1)!;
        assert.equal(last.role, "user");
        assert.equal(last.content[0].type, "tool_result");
        assert.equal(last.content[0].tool_use_id, calls[0].id);
      } finally {
        await close();
      }
    },
  );
}

Deno.test("an Anthropic client sees an OpenAI-compatible provider's reasoning as thinking", async () => {
  const { fake, gateway, close } = await setup();
  try {
    fake.enqueue({
      kind: "scenario",
      scenario: {
        reasoning: { pieces: ["Think", "ing..."], signature: "" },
        text: ["Answer."],
        stop: "end_turn",
      },
    });
    const client = anthropicClient(gateway.url);
    const stream = client.messages.stream({
      model: "deepseek/reasoner",
      max_tokens: 2000,
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [{ role: "user", content: "Why?" }],
    });
    const message: Anthropic.Message = await stream.finalMessage();
    const kinds = message.content.map((b) => b.type);
    assert.deepEqual(kinds, ["thinking", "text"]);
    const thinking = message.content[0] as Anthropic.ThinkingBlock;
    assert.equal(thinking.thinking, "Thinking...");
    assert.equal((message.content[1] as Anthropic.TextBlock).text, "Answer.");
    const sent = fake.lastRequest("chat")!.body as Json;
    assert.equal(typeof sent.reasoning_effort, "string", "thinking became reasoning_effort");
  } finally {
    await close();
  }
});

Deno.test("a Responses client round-trips Anthropic thinking through its reasoning item", async () => {
  const { fake, gateway, close } = await setup();
  try {
    fake.enqueue(thinkingThenTool);
    const client = openaiClient(gateway.url);
    const first = await client.responses.create({
      model: "claude/opus",
      input: "Weather in Paris?",
      reasoning: { effort: "medium" },
      tools: [{
        type: "function",
        name: "get_weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
        strict: false,
      }],
    });
    const call = first.output.find((i) => i.type === "function_call");
    assert.ok(call && call.type === "function_call");
    await client.responses.create({
      model: "claude/opus",
      input: [
        { role: "user", content: "Weather in Paris?" },
        ...first.output as OpenAI.Responses.ResponseInputItem[],
        { type: "function_call_output", call_id: call.call_id, output: "18°C" },
      ],
    });
    const thinking = thinkingBlocksSent(fake.lastRequest("messages")!.body);
    assert.equal(thinking.length, 1);
    assert.equal(thinking[0].signature, SIGNATURE);
  } finally {
    await close();
  }
});

Deno.test("the client's key is checked before anything reaches a provider", async () => {
  const { fake, gateway, close } = await setup();
  try {
    const res = await fetch(gateway.url + "/v1/messages", {
      method: "POST",
      headers: { "x-api-key": TEST_KEY + "x", "content-type": "application/json" },
      body: JSON.stringify({ model: "claude/opus", max_tokens: 5, messages: [] }),
    });
    assert.equal(res.status, 401);
    await res.body?.cancel();
    assert.equal(fake.requests.length, 0);
  } finally {
    await close();
  }
});
