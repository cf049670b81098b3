/**
 * Reasoning through tool loops across families (issue: Gemini CLI and OpenAI clients on
 * Anthropic with thinking, Codex CLI on Gemini): each client keeps what the next turn needs where
 * it keeps things, the provider gets its own signature back or a request it can accept, and no
 * provider ever sees another family's signature.
 */
import assert from "node:assert/strict";
import type { Content, GenerateContentConfig } from "@google/genai";
import type OpenAI from "openai";
import { providerPerApi, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { geminiClient, openaiClient } from "./clients.ts";

type Json = Record<string, unknown>;

const ANTHROPIC_SIGNATURE = "EqQBCkYIBxgCKkBanthropic+/==";
const GEMINI_SIGNATURE = "CiQBcsjafGeminiSignature==";
const THINKING = "Let me check the weather.";
const WEATHER = {
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" } } },
};

const thinkingThenTool = (signature: string) => ({
  kind: "scenario" as const,
  scenario: {
    reasoning: { pieces: ["Let me ", "check the weather."], signature },
    text: [],
    toolCalls: [{ id: "toolu_01A", name: "get_weather", argumentPieces: ['{"city":"Paris"}'] }],
    stop: "tool_use" as const,
  },
});

async function setup() {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"])));
  return {
    fake,
    gateway,
    async close() {
      await gateway.close();
      await fake.close();
    },
  };
}

/** The assistant blocks and `thinking` setting of the last request an Anthropic provider got. */
function anthropicTurn(body: unknown): { thinking: unknown; blocks: Json[] } {
  const request = body as {
    thinking?: unknown;
    messages: Array<{ role: string; content: unknown }>;
  };
  const blocks = request.messages
    .filter((m) => m.role === "assistant" && Array.isArray(m.content))
    .flatMap((m) => m.content as Json[]);
  return { thinking: request.thinking, blocks };
}

Deno.test("Gemini client on Anthropic with thinking: the loop keeps its thinking", async (t) => {
  const { fake, gateway, close } = await setup();
  const ai = geminiClient(gateway.url);
  const config: GenerateContentConfig = {
    thinkingConfig: { includeThoughts: true, thinkingBudget: 2048 },
    tools: [{
      functionDeclarations: [{ name: WEATHER.name, parametersJsonSchema: WEATHER.parameters }],
    }],
  };
  try {
    fake.enqueue(thinkingThenTool(ANTHROPIC_SIGNATURE));
    const first = await ai.models.generateContent({
      model: "p_messages/m",
      contents: "Weather in Paris?",
      config,
    });
    const parts = first.candidates![0].content!.parts!;
    const call = parts.find((p) => p.functionCall)!;
    await t.step("the signature is on the first functionCall part, with the provider's id", () => {
      assert.equal(call.functionCall!.id, "toolu_01A");
      assert.ok(call.thoughtSignature?.startsWith("plexus.anthropic-thinking."));
      assert.ok(parts.filter((p) => p.thought).every((p) => p.thoughtSignature === undefined));
    });
    const result = {
      role: "user",
      parts: [{
        functionResponse: { id: call.functionCall!.id, name: "get_weather", response: { t: 18 } },
      }],
    };

    await t.step("Gemini CLI drops thought parts: Anthropic still gets the block", async () => {
      fake.enqueue({ kind: "scenario", scenario: {} });
      const history: Content[] = [
        { role: "user", parts: [{ text: "Weather in Paris?" }] },
        { role: "model", parts: parts.filter((p) => !p.thought) },
        result,
      ];
      await ai.models.generateContent({ model: "p_messages/m", contents: history, config });
      const sent = anthropicTurn(fake.lastRequest("messages")!.body);
      assert.deepEqual(sent.thinking, { type: "enabled", budget_tokens: 2048 });
      assert.deepEqual(sent.blocks[0], {
        type: "thinking",
        thinking: THINKING,
        signature: ANTHROPIC_SIGNATURE,
      });
      assert.equal(sent.blocks[1].type, "tool_use");
      assert.equal(sent.blocks[1].id, "toolu_01A");
    });

    await t.step("the skip sentinel instead: that turn goes with thinking off", async () => {
      fake.enqueue({ kind: "scenario", scenario: {} });
      const sentinel = {
        functionCall: call.functionCall,
        thoughtSignature: "skip_thought_signature_validator",
      };
      const history: Content[] = [
        { role: "user", parts: [{ text: "Weather in Paris?" }] },
        { role: "model", parts: [sentinel] },
        result,
      ];
      const answer = await ai.models.generateContent({
        model: "p_messages/m",
        contents: history,
        config,
      });
      assert.ok(answer.text);
      const sent = anthropicTurn(fake.lastRequest("messages")!.body);
      assert.equal(sent.thinking, undefined, "no thinking: the API accepts the request");
      assert.deepEqual(sent.blocks.map((b) => b.type), ["tool_use"]);
    });
  } finally {
    await close();
  }
});

Deno.test("an OpenAI chat client with reasoning_effort continues a tool loop on Anthropic", async () => {
  const { fake, gateway, close } = await setup();
  const client = openaiClient(gateway.url);
  const tools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: WEATHER }];
  try {
    fake.enqueue(thinkingThenTool(ANTHROPIC_SIGNATURE));
    const first = await client.chat.completions.create({
      model: "p_messages/m",
      reasoning_effort: "high",
      tools,
      messages: [{ role: "user", content: "Weather in Paris?" }],
    });
    assert.ok(anthropicTurn(fake.lastRequest("messages")!.body).thinking, "thinking on");
    const message = first.choices[0].message;
    // What SDK users send back: role, content and tool calls only.
    fake.enqueue({ kind: "scenario", scenario: {} });
    await client.chat.completions.create({
      model: "p_messages/m",
      reasoning_effort: "high",
      tools,
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: message.content, tool_calls: message.tool_calls },
        { role: "tool", tool_call_id: message.tool_calls![0].id, content: "18 degrees" },
      ],
    });
    const sent = anthropicTurn(fake.lastRequest("messages")!.body);
    assert.equal(sent.thinking, undefined);
    assert.deepEqual(sent.blocks.map((b) => b.type), ["tool_use"]);
  } finally {
    await close();
  }
});

Deno.test("Codex on Gemini: the call's thought signature rides in encrypted_content", async (t) => {
  const { fake, gateway, close } = await setup();
  const client = openaiClient(gateway.url);
  const tools: OpenAI.Responses.Tool[] = [{ type: "function", strict: false, ...WEATHER }];
  try {
    for (const stream of [false, true]) {
      await t.step(stream ? "streamed" : "whole", async () => {
        fake.enqueue(thinkingThenTool(GEMINI_SIGNATURE));
        const params = {
          model: "p_gemini/m",
          input: "Weather in Paris?",
          tools,
          reasoning: { effort: "medium" as const },
          include: ["reasoning.encrypted_content" as const],
          store: false,
        };
        let output: OpenAI.Responses.ResponseOutputItem[];
        if (stream) {
          const events = await client.responses.create({ ...params, stream: true });
          let done: OpenAI.Responses.Response | undefined;
          for await (const event of events) {
            if (event.type === "response.completed") done = event.response;
          }
          output = done!.output;
        } else {
          output = (await client.responses.create(params)).output;
        }
        const carriers = output.filter((i) => i.type === "reasoning")
          .map((i) => (i as { encrypted_content?: string }).encrypted_content);
        assert.ok(carriers.includes(`plexus.gemini.${GEMINI_SIGNATURE}`), `${carriers}`);
        const call = output.find((i) => i.type === "function_call")!;
        // Codex sends its output items back, then the tool's output.
        fake.enqueue({ kind: "scenario", scenario: {} });
        await client.responses.create({
          model: "p_gemini/m",
          tools,
          store: false,
          input: [
            { role: "user", content: "Weather in Paris?" },
            ...output as OpenAI.Responses.ResponseInputItem[],
            { type: "function_call_output", call_id: call.call_id, output: "18 degrees" },
          ],
        });
        const contents = (fake.lastRequest("gemini")!.body as { contents: Json[] }).contents;
        const modelParts = contents.filter((c) => c.role === "model").flatMap((c) =>
          c.parts as Json[]
        );
        const sentCall = modelParts.find((p) => p.functionCall)!;
        assert.equal(sentCall.thoughtSignature, GEMINI_SIGNATURE, "not the skip sentinel");
      });
    }
  } finally {
    await close();
  }
});

Deno.test("a conversation moved to another family carries none of the old family's signatures", async (t) => {
  const { fake, gateway, close } = await setup();
  const client = openaiClient(gateway.url);
  const tools: OpenAI.Responses.Tool[] = [{ type: "function", strict: false, ...WEATHER }];
  const history = (carrier: string): OpenAI.Responses.ResponseInputItem[] => [
    { role: "user", content: "Weather in Paris?" },
    {
      type: "reasoning",
      id: "rs_1",
      summary: [{ type: "summary_text", text: THINKING }],
      encrypted_content: carrier,
    },
    { type: "function_call", call_id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' },
    { type: "function_call_output", call_id: "c1", output: "18 degrees" },
  ];
  try {
    await t.step("Gemini's signature never reaches Anthropic; thinking goes off", async () => {
      await client.responses.create({
        model: "p_messages/m",
        tools,
        reasoning: { effort: "high" },
        input: history(`plexus.gemini.${GEMINI_SIGNATURE}`),
      });
      const body = fake.lastRequest("messages")!.body;
      assert.ok(!JSON.stringify(body).includes(GEMINI_SIGNATURE));
      const sent = anthropicTurn(body);
      assert.equal(sent.thinking, undefined);
      assert.deepEqual(sent.blocks.map((b) => b.type), ["tool_use"]);
    });
    await t.step("Anthropic's signature never reaches Gemini", async () => {
      await client.responses.create({
        model: "p_gemini/m",
        tools,
        reasoning: { effort: "high" },
        input: history(`plexus.signature.${ANTHROPIC_SIGNATURE}`),
      });
      const body = fake.lastRequest("gemini")!.body;
      assert.ok(!JSON.stringify(body).includes(ANTHROPIC_SIGNATURE));
    });
  } finally {
    await close();
  }
});
