/**
 * Codex CLI's real requests (tests/fixtures/clients/codex_cli_requests.json: `namespace`,
 * `custom`, `web_search` and `tool_search` tools, and a history with namespaced and custom calls)
 * go through Plexus to every provider API: untouched to a Responses provider, as functions and
 * the target's own hosted tools elsewhere; calls come back to the client in its own shapes.
 */
import assert from "node:assert/strict";
import type OpenAI from "openai";
import { INBOUND_API_NAMES, type InboundApiName } from "../../src/codecs/registry.ts";
import { providerPerApi, TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { openaiClient } from "./clients.ts";

type Json = Record<string, unknown>;

const CODEX: Record<string, Json> = JSON.parse(
  Deno.readTextFileSync(new URL("../fixtures/clients/codex_cli_requests.json", import.meta.url)),
);

function post(url: string, body: Json): Promise<Response> {
  return fetch(`${url}/v1/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Function names and hosted tool markers the provider was offered, in its own dialect. */
function offeredTools(api: InboundApiName, body: Json): { functions: string[]; hosted: string[] } {
  const tools = (body.tools ?? []) as Json[];
  switch (api) {
    case "chat":
      return {
        functions: tools.map((t) => (t.function as Json).name as string),
        hosted: tools.filter((t) => t.type !== "function").map((t) => String(t.type)),
      };
    case "messages":
      return {
        functions: tools.filter((t) => t.type === undefined).map((t) => t.name as string),
        hosted: tools.filter((t) => t.type !== undefined).map((t) => String(t.type)),
      };
    case "responses":
      return {
        functions: tools.filter((t) => t.type === "function").map((t) => t.name as string),
        hosted: tools.filter((t) => t.type !== "function").map((t) => String(t.type)),
      };
    case "gemini":
      return {
        functions: tools.flatMap((t) =>
          ((t.functionDeclarations ?? []) as Json[]).map((d) => d.name as string)
        ),
        hosted: tools.flatMap((t) => Object.keys(t).filter((k) => k !== "functionDeclarations")),
      };
  }
}

/** The names of the calls in the history the provider received. */
function historyCallNames(api: InboundApiName, body: Json): string[] {
  switch (api) {
    case "chat":
      return (body.messages as Json[]).flatMap((m) =>
        ((m.tool_calls ?? []) as Json[]).map((c) => (c.function as Json).name as string)
      );
    case "messages":
      return (body.messages as Json[]).flatMap((m) =>
        Array.isArray(m.content)
          ? (m.content as Json[]).filter((b) => b.type === "tool_use").map((b) => b.name as string)
          : []
      );
    case "gemini":
      return (body.contents as Json[]).flatMap((c) =>
        (c.parts as Json[]).filter((p) => p.functionCall).map((p) =>
          (p.functionCall as Json).name as string
        )
      );
    case "responses":
      return (body.input as Json[]).filter((i) => i.type === "function_call").map((i) =>
        i.name as string
      );
  }
}

const HOSTED_EQUIVALENT: Record<InboundApiName, string[]> = {
  chat: [],
  messages: ["web_search_20250305"],
  responses: ["web_search"],
  gemini: ["googleSearch"],
};

Deno.test("Codex CLI's recorded requests reach every provider API", async (t) => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"])));
  try {
    for (const [variant, recorded] of Object.entries(CODEX)) {
      for (const api of INBOUND_API_NAMES) {
        await t.step(`${variant} → ${api}`, async () => {
          fake.reset();
          const response = await post(gateway.url, { ...recorded, model: `p_${api}/m` });
          assert.equal(response.status, 200, await response.clone().text());
          await response.text();
          const sent = fake.lastRequest(api)!.body as Json;
          if (api === "responses") {
            assert.deepEqual(sent, { ...recorded, model: "m" }, "passed through untouched");
            assert.equal(response.headers.get("x-plexus-dropped-tools"), null);
            return;
          }
          const offered = offeredTools(api, sent);
          const calls = historyCallNames(api, sent);
          if (variant === "gpt-5.1-codex") {
            assert.ok(offered.functions.includes("multi_agent_v1__close_agent"), `${offered}`);
            assert.ok(offered.functions.includes("exec_command"));
            assert.deepEqual(calls, ["multi_agent_v1__list_agents", "exec_command"]);
          } else {
            assert.ok(offered.functions.includes("apply_patch"));
            assert.deepEqual(calls, ["apply_patch", "exec_command"]);
          }
          assert.deepEqual(offered.hosted, HOSTED_EQUIVALENT[api]);
          const dropped = response.headers.get("x-plexus-dropped-tools");
          const expectDropped = [
            ...(variant === "gpt-5.5" ? ["tool_search"] : []),
            ...(api === "chat" ? ["web_search"] : []),
          ].sort();
          assert.deepEqual((dropped ?? "").split(", ").filter(Boolean).sort(), expectDropped);
        });
      }
    }
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a custom tool reaches a chat provider as a function with one string input", async () => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"])));
  try {
    const response = await post(gateway.url, { ...CODEX["gpt-5.5"], model: "p_chat/m" });
    assert.equal(response.status, 200);
    await response.text();
    const sent = fake.lastRequest("chat")!.body as Json;
    const tool = (sent.tools as Json[]).find((t) => (t.function as Json).name === "apply_patch")!;
    const parameters = (tool.function as Json).parameters as Json;
    assert.deepEqual(parameters.required, ["input"]);
    assert.match(
      ((parameters.properties as Json).input as Json).description as string,
      /lark grammar:\nstart: begin_patch hunk\+ end_patch/,
    );
    const call = (sent.messages as Json[]).flatMap((m) => (m.tool_calls ?? []) as Json[])[0];
    assert.deepEqual(JSON.parse((call.function as Json).arguments as string), {
      input: "*** Begin Patch\n*** Add File: a.txt\n+hello\n*** End Patch\n",
    });
    const output = (sent.messages as Json[]).find((m) => m.tool_call_id === "call_c1")!;
    assert.match(output.content as string, /Success. Updated the following files/);
    const records = await gateway.waitForRecords(1);
    assert.deepEqual(records[0].droppedTools?.sort(), ["tool_search", "web_search"]);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

const NAMESPACED_AND_CUSTOM = {
  kind: "scenario" as const,
  scenario: {
    text: [],
    toolCalls: [
      {
        id: "call_ns1",
        name: "multi_agent_v1__close_agent",
        argumentPieces: ['{"tar', 'get":"a1"}'],
      },
      {
        id: "call_patch",
        name: "apply_patch",
        argumentPieces: ['{"input":"*** Begin', ' Patch\\n*** End Patch\\n"}'],
      },
    ],
    stop: "tool_use" as const,
  },
};

const CLIENT_TOOLS = [
  ...(CODEX["gpt-5.1-codex"].tools as Json[]),
  ...(CODEX["gpt-5.5"].tools as Json[]).filter((t) => t.type === "custom"),
];

/** Gemini calls carry no ids unless the model gives them: Plexus mints them. */
function expectClientShapes(output: Json[], api: InboundApiName): void {
  const ids = api === "gemini" ? [] : ["call_ns1", "call_patch"];
  const calls = output.filter((i) => i.type !== "message" && i.type !== "reasoning");
  assert.equal(calls.length, 2, JSON.stringify(output));
  assert.equal(calls[0].type, "function_call");
  assert.equal(calls[0].namespace, "multi_agent_v1");
  assert.equal(calls[0].name, "close_agent");
  if (ids.length > 0) assert.deepEqual(calls.map((c) => c.call_id), ids);
  assert.deepEqual(JSON.parse(calls[0].arguments as string), { target: "a1" });
  assert.equal(calls[1].type, "custom_tool_call");
  assert.equal(calls[1].name, "apply_patch");
  assert.equal(calls[1].input, "*** Begin Patch\n*** End Patch\n");
}

Deno.test("namespaced and custom calls come back in the client's shapes", async (t) => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"])));
  const client = openaiClient(gateway.url);
  try {
    for (const api of INBOUND_API_NAMES.filter((a) => a !== "responses")) {
      for (const stream of [false, true]) {
        await t.step(`${api}, ${stream ? "streamed" : "whole"}`, async () => {
          fake.reset();
          fake.enqueue(NAMESPACED_AND_CUSTOM);
          const params = {
            model: `p_${api}/m`,
            input: "close agent a1, then patch",
            tools: CLIENT_TOOLS as unknown as OpenAI.Responses.Tool[],
          };
          if (!stream) {
            const response = await client.responses.create(params);
            expectClientShapes(response.output as unknown as Json[], api);
            return;
          }
          const events: Json[] = [];
          for await (const event of await client.responses.create({ ...params, stream: true })) {
            events.push(event as unknown as Json);
          }
          const completed = events.find((e) => e.type === "response.completed")!;
          expectClientShapes((completed.response as Json).output as Json[], api);
          const done = events.filter((e) => e.type === "response.output_item.done");
          expectClientShapes(done.map((e) => e.item as Json), api);
          const input = events.find((e) => e.type === "response.custom_tool_call_input.done");
          assert.equal(input?.input, "*** Begin Patch\n*** End Patch\n");
        });
      }
    }
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("unsupported_tools: reject refuses a hosted tool the target cannot run", async () => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(
    testConfig(providerPerApi(fake.url, ["m"]), {}, { unsupportedTools: "reject" }),
  );
  try {
    const response = await post(gateway.url, { ...CODEX["gpt-5.1-codex"], model: "p_chat/m" });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /"web_search" cannot run on the selected chat provider/);
    assert.equal(fake.requests.length, 0, "no provider was called");
    const ok = await post(gateway.url, { ...CODEX["gpt-5.1-codex"], model: "p_gemini/m" });
    assert.equal(ok.status, 200, "Gemini runs web search as googleSearch");
    await ok.text();
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("server tools of other dialects map to the target's equivalent", async (t) => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"])));
  const headers = { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" };
  const anthropicSearch = {
    type: "web_search_20250305",
    name: "web_search",
    max_uses: 3,
    allowed_domains: ["example.com"],
  };
  try {
    await t.step("Anthropic web search to an Anthropic provider: untouched", async () => {
      fake.reset();
      const body = {
        model: "p_messages/m",
        max_tokens: 100,
        tools: [anthropicSearch, { type: "bash_20250124", name: "bash" }],
        messages: [{ role: "user", content: "news?" }],
      };
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 200, await response.clone().text());
      await response.text();
      assert.deepEqual((fake.lastRequest("messages")!.body as Json).tools, body.tools);
    });
    await t.step("Anthropic web search to Responses and Gemini", async () => {
      for (const api of ["responses", "gemini"] as const) {
        fake.reset();
        const response = await fetch(`${gateway.url}/v1/messages`, {
          method: "POST",
          headers,
          body: JSON.stringify({
            model: `p_${api}/m`,
            max_tokens: 100,
            tools: [anthropicSearch, { type: "code_execution_20250825", name: "code_execution" }],
            messages: [{ role: "user", content: "news?" }],
          }),
        });
        assert.equal(response.status, 200, await response.clone().text());
        await response.text();
        const tools = (fake.lastRequest(api)!.body as Json).tools;
        assert.deepEqual(
          tools,
          api === "responses"
            ? [
              { type: "web_search", filters: { allowed_domains: ["example.com"] } },
              { type: "code_interpreter", container: { type: "auto" } },
            ]
            : [{ googleSearch: {} }, { codeExecution: {} }],
        );
      }
    });
    await t.step("Gemini googleSearch to an Anthropic provider", async () => {
      fake.reset();
      const response = await fetch(
        `${gateway.url}/v1beta/models/p_messages/m:generateContent`,
        {
          method: "POST",
          headers,
          body: JSON.stringify({
            contents: [{ role: "user", parts: [{ text: "news?" }] }],
            tools: [{ googleSearch: {} }, { codeExecution: {} }],
          }),
        },
      );
      assert.equal(response.status, 200, await response.clone().text());
      await response.text();
      assert.deepEqual((fake.lastRequest("messages")!.body as Json).tools, [
        { type: "web_search_20250305", name: "web_search" },
      ]);
      assert.equal(response.headers.get("x-plexus-dropped-tools"), "codeExecution");
    });
  } finally {
    await gateway.close();
    await fake.close();
  }
});
