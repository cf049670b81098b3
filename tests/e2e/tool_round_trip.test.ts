/**
 * The second turn of a tool conversation — the assistant's tool call and the client's tool
 * result — reaches every provider in its own shape, with the result still tied to its call.
 */
import assert from "node:assert/strict";
import { INBOUND_API_NAMES, type InboundApiName } from "../../src/codecs/registry.ts";
import { providerPerApi, TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";

type Json = Record<string, unknown>;

const CALL_ID = "call_7f3a";
const RESULT = "18 degrees and sunny";
const SCHEMA = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };

/** A second-turn request in the client's dialect: question, tool call, tool result. */
function secondTurn(api: InboundApiName, model: string): { path: string; body: Json } {
  switch (api) {
    case "chat":
      return {
        path: "/v1/chat/completions",
        body: {
          model,
          tools: [{ type: "function", function: { name: "get_weather", parameters: SCHEMA } }],
          messages: [
            { role: "user", content: "Weather in Paris?" },
            {
              role: "assistant",
              content: null,
              tool_calls: [{
                id: CALL_ID,
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              }],
            },
            { role: "tool", tool_call_id: CALL_ID, content: RESULT },
          ],
        },
      };
    case "messages":
      return {
        path: "/v1/messages",
        body: {
          model,
          max_tokens: 256,
          tools: [{ name: "get_weather", input_schema: SCHEMA }],
          messages: [
            { role: "user", content: "Weather in Paris?" },
            {
              role: "assistant",
              content: [{
                type: "tool_use",
                id: CALL_ID,
                name: "get_weather",
                input: { city: "Paris" },
              }],
            },
            {
              role: "user",
              content: [{ type: "tool_result", tool_use_id: CALL_ID, content: RESULT }],
            },
          ],
        },
      };
    case "responses":
      return {
        path: "/v1/responses",
        body: {
          model,
          tools: [{ type: "function", name: "get_weather", parameters: SCHEMA }],
          input: [
            { role: "user", content: "Weather in Paris?" },
            {
              type: "function_call",
              call_id: CALL_ID,
              name: "get_weather",
              arguments: '{"city":"Paris"}',
            },
            { type: "function_call_output", call_id: CALL_ID, output: RESULT },
          ],
        },
      };
    case "gemini":
      return {
        path: `/v1beta/models/${model}:generateContent`,
        body: {
          tools: [{ functionDeclarations: [{ name: "get_weather", parameters: SCHEMA }] }],
          contents: [
            { role: "user", parts: [{ text: "Weather in Paris?" }] },
            {
              role: "model",
              parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }],
            },
            {
              role: "user",
              parts: [{ functionResponse: { name: "get_weather", response: { result: RESULT } } }],
            },
          ],
        },
      };
  }
}

interface SentRoundTrip {
  callId?: string;
  callName: string;
  callArgs: unknown;
  resultId?: string;
  resultText: string;
}

/** Reads the tool call and its result back out of what the provider received. */
function roundTripSent(api: InboundApiName, body: Json): SentRoundTrip {
  const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  switch (api) {
    case "chat": {
      const messages = body.messages as Json[];
      const assistant = messages.find((m) => m.role === "assistant")!;
      const call = (assistant.tool_calls as Json[])[0];
      const fn = call.function as Json;
      const tool = messages.find((m) => m.role === "tool")!;
      return {
        callId: call.id as string,
        callName: fn.name as string,
        callArgs: JSON.parse(fn.arguments as string),
        resultId: tool.tool_call_id as string,
        resultText: text(tool.content),
      };
    }
    case "messages": {
      const blocks = (body.messages as Json[]).flatMap((m) =>
        Array.isArray(m.content) ? m.content as Json[] : []
      );
      const use = blocks.find((b) => b.type === "tool_use")!;
      const result = blocks.find((b) => b.type === "tool_result")!;
      return {
        callId: use.id as string,
        callName: use.name as string,
        callArgs: use.input,
        resultId: result.tool_use_id as string,
        resultText: text(result.content),
      };
    }
    case "responses": {
      const items = body.input as Json[];
      const call = items.find((i) => i.type === "function_call")!;
      const output = items.find((i) => i.type === "function_call_output")!;
      return {
        callId: call.call_id as string,
        callName: call.name as string,
        callArgs: JSON.parse(call.arguments as string),
        resultId: output.call_id as string,
        resultText: text(output.output),
      };
    }
    case "gemini": {
      const parts = (body.contents as Json[]).flatMap((c) => c.parts as Json[]);
      const call = parts.find((p) => p.functionCall)!.functionCall as Json;
      const response = parts.find((p) => p.functionResponse)!.functionResponse as Json;
      assert.equal(response.name, call.name, "the response names the function it answers");
      return {
        callName: call.name as string,
        callArgs: call.args,
        resultText: text(response.response),
      };
    }
  }
}

Deno.test("a tool result reaches every provider tied to its call, from every client", async (t) => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"])));
  try {
    for (const client of INBOUND_API_NAMES) {
      for (const provider of INBOUND_API_NAMES) {
        await t.step(`${client} → ${provider}`, async () => {
          fake.reset();
          const { path, body } = secondTurn(client, `p_${provider}/m`);
          const response = await fetch(gateway.url + path, {
            method: "POST",
            headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
            body: JSON.stringify(body),
          });
          assert.equal(response.status, 200, await response.clone().text());
          await response.body?.cancel();
          const sent = roundTripSent(provider, fake.lastRequest(provider)!.body as Json);
          assert.equal(sent.callName, "get_weather");
          assert.deepEqual(sent.callArgs, { city: "Paris" });
          assert.ok(sent.resultText.includes(RESULT), sent.resultText);
          if (provider !== "gemini") {
            assert.ok(sent.callId, "the call has an id");
            assert.equal(sent.resultId, sent.callId, "the result answers that call");
            if (client !== "gemini") assert.equal(sent.callId, CALL_ID, "the client's id is kept");
          }
        });
      }
    }
  } finally {
    await gateway.close();
    await fake.close();
  }
});
