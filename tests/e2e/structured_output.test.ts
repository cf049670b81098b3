/**
 * Structured output and images reach every provider in its native form, and the JSON answer
 * comes back to the client as plain text.
 */
import assert from "node:assert/strict";
import { INBOUND_API_NAMES, type InboundApiName } from "../../src/codecs/registry.ts";
import { providerPerApi, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { openaiClient } from "./clients.ts";

const SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, temperature: { type: "number" } },
  required: ["city", "temperature"],
  additionalProperties: false,
};

const ANSWER = '{"city":"Paris","temperature":18}';

type Json = Record<string, unknown>;

/** Where each provider API carries the schema, read from what the fake received. */
function schemaSentUpstream(api: InboundApiName, body: Json): unknown {
  switch (api) {
    case "chat":
      return ((body.response_format as Json).json_schema as Json).schema;
    case "responses":
      return ((body.text as Json).format as Json).schema;
    case "gemini":
      return (body.generationConfig as Json).responseSchema ??
        (body.generationConfig as Json).responseJsonSchema;
    case "messages": {
      const tools = body.tools as Json[];
      const choice = body.tool_choice as Json;
      const tool = tools.find((t) => t.name === choice.name);
      return tool?.input_schema;
    }
  }
}

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

Deno.test("a json_schema response_format becomes each provider's native mechanism", async (t) => {
  const { fake, gateway, close } = await setup();
  try {
    for (const provider of INBOUND_API_NAMES) {
      for (const stream of [false, true]) {
        await t.step(`chat client → ${provider}${stream ? " (stream)" : ""}`, async () => {
          fake.reset();
          // Anthropic answers structured output as the forced tool's input.
          fake.enqueue({
            kind: "scenario",
            scenario: provider === "messages"
              ? {
                text: [],
                toolCalls: [{
                  id: "toolu_json",
                  name: "json_response",
                  argumentPieces: ['{"city":"Paris",', '"temperature":18}'],
                }],
                stop: "tool_use",
              }
              : { text: ['{"city":"Paris",', '"temperature":18}'], stop: "end_turn" },
          });
          const client = openaiClient(gateway.url);
          const params = {
            model: `p_${provider}/m`,
            messages: [{ role: "user" as const, content: "Weather in Paris as JSON" }],
            response_format: {
              type: "json_schema" as const,
              json_schema: { name: "weather", schema: SCHEMA, strict: true },
            },
          };
          let text = "";
          let finish: string | null = null;
          if (stream) {
            for await (
              const chunk of await client.chat.completions.create({ ...params, stream: true })
            ) {
              text += chunk.choices[0]?.delta.content ?? "";
              finish = chunk.choices[0]?.finish_reason ?? finish;
            }
          } else {
            const r = await client.chat.completions.create(params);
            text = r.choices[0].message.content ?? "";
            finish = r.choices[0].finish_reason;
          }
          assert.deepEqual(JSON.parse(text), JSON.parse(ANSWER));
          assert.equal(finish, "stop", "structured output ends normally, not as a tool call");
          const sent = schemaSentUpstream(
            provider,
            fake.lastRequest(provider)!.body as Json,
          ) as Json;
          assert.ok(sent, "the schema went upstream");
          assert.ok(JSON.stringify(sent).includes("temperature"));
          if (provider === "gemini") {
            const config = (fake.lastRequest(provider)!.body as Json).generationConfig as Json;
            assert.equal(config.responseMimeType, "application/json");
          }
        });
      }
    }
  } finally {
    await close();
  }
});

const PNG_1PX =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** The image the provider received, in its own shape, reduced to [kind, data-or-url]. */
function imageSentUpstream(api: InboundApiName, body: Json): [string, string] | undefined {
  const text = JSON.stringify(body);
  switch (api) {
    case "chat": {
      const m = /"image_url":\{"url":"([^"]+)"/.exec(text);
      return m ? ["url", m[1]] : undefined;
    }
    case "messages": {
      const m = /"source":\{"type":"base64","media_type":"([^"]+)","data":"([^"]+)"/.exec(text);
      if (m) return ["base64", `${m[1]};${m[2]}`];
      const u = /"source":\{"type":"url","url":"([^"]+)"/.exec(text);
      return u ? ["url", u[1]] : undefined;
    }
    case "responses": {
      const m = /"image_url":"([^"]+)"/.exec(text);
      return m ? ["url", m[1]] : undefined;
    }
    case "gemini": {
      const m = /"inlineData":\{"mimeType":"([^"]+)","data":"([^"]+)"/.exec(text);
      if (m) return ["base64", `${m[1]};${m[2]}`];
      const u = /"fileData":\{[^}]*"fileUri":"([^"]+)"/.exec(text);
      return u ? ["url", u[1]] : undefined;
    }
  }
}

Deno.test("images sent as data URLs and http URLs reach every provider intact", async (t) => {
  const { fake, gateway, close } = await setup();
  try {
    for (const provider of INBOUND_API_NAMES) {
      for (const url of [`data:image/png;base64,${PNG_1PX}`, "https://example.com/cat.png"]) {
        const kind = url.startsWith("data:") ? "data URL" : "http URL";
        await t.step(`chat client → ${provider}, ${kind}`, async () => {
          fake.reset();
          await openaiClient(gateway.url).chat.completions.create({
            model: `p_${provider}/m`,
            messages: [{
              role: "user",
              content: [
                { type: "text", text: "What is this?" },
                { type: "image_url", image_url: { url } },
              ],
            }],
          });
          const image = imageSentUpstream(provider, fake.lastRequest(provider)!.body as Json);
          assert.ok(image, "an image reached the provider");
          if (url.startsWith("data:")) {
            const [shape, value] = image;
            if (shape === "base64") assert.equal(value, `image/png;${PNG_1PX}`);
            else assert.equal(value, url);
          } else {
            assert.deepEqual(image, ["url", url]);
          }
        });
      }
    }
  } finally {
    await close();
  }
});
