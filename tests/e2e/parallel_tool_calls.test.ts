/**
 * Parallel tool calls whose streamed argument pieces arrive interleaved (OpenAI chat streams
 * index-tagged pieces of several calls mixed together) reach every client API whole and apart.
 */
import assert from "node:assert/strict";
import { INBOUND_API_NAMES } from "../../src/codecs/registry.ts";
import { providerPerApi, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { ask } from "./clients.ts";

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: "chatcmpl-par",
  object: "chat.completion.chunk",
  created: 1_760_000_000,
  model: "m",
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const call = (index: number, id: string, args: string) => ({
  tool_calls: [{ index, id, type: "function", function: { name: "get_weather", arguments: args } }],
});
const piece = (index: number, args: string) => ({
  tool_calls: [{ index, function: { arguments: args } }],
});

/** Three calls; their argument pieces interleave: 0, 1, 2, 0, 2, 1, 0, 1, 2. */
const INTERLEAVED = [
  chunk({ role: "assistant", content: null }),
  chunk(call(0, "call_a", "")),
  chunk(call(1, "call_b", '{"ci')),
  chunk(call(2, "call_c", "")),
  chunk(piece(0, '{"city"')),
  chunk(piece(2, '{"city":"Ro')),
  chunk(piece(1, 'ty":"Os')),
  chunk(piece(0, ':"Paris"}')),
  chunk(piece(1, 'lo"}')),
  chunk(piece(2, 'me"}')),
  chunk({}, "tool_calls"),
  {
    ...chunk({}),
    choices: [],
    usage: { prompt_tokens: 10, completion_tokens: 30, total_tokens: 40 },
  },
];

Deno.test("interleaved streamed argument pieces of parallel calls arrive whole in every API", async (t) => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"])));
  try {
    for (const client of INBOUND_API_NAMES) {
      await t.step(`chat provider → ${client} client, streamed`, async () => {
        fake.enqueue({ kind: "stream", api: "chat", events: INTERLEAVED, splitMidLine: true });
        const answer = await ask(client, gateway.url, {
          model: "p_chat/m",
          prompt: "Weather in Paris, Oslo and Rome?",
          stream: true,
          withTool: true,
        });
        assert.deepEqual(
          answer.toolCalls.map((c) => c.args),
          [{ city: "Paris" }, { city: "Oslo" }, { city: "Rome" }],
        );
        assert.ok(answer.toolCalls.every((c) => c.name === "get_weather"));
        if (client !== "gemini") {
          assert.deepEqual(answer.toolCalls.map((c) => c.id), ["call_a", "call_b", "call_c"]);
        }
      });
    }
  } finally {
    await gateway.close();
    await fake.close();
  }
});
