/**
 * An embeddings request is one trace: a server span (`gen_ai.operation.name: embeddings`) and
 * one client span per target, whose `traceparent` every call of a split batch carries.
 */
import assert from "node:assert/strict";
import { fakeVector, startFakeEmbeddings } from "../support/fake_embeddings.ts";
import { startGateway } from "../support/gateway.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { openaiClient } from "./clients.ts";
import { embeddingsConfig } from "./embeddings_support.ts";

const CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";

Deno.test("embeddings: a split batch is one trace whose calls all carry the target's span", async () => {
  const fake = startFakeEmbeddings();
  const collector = await startOtlpReceiver();
  const config = embeddingsConfig(fake.url);
  config.telemetry = { otlpEndpoint: collector.url };
  const gateway = await startGateway(config, { env: () => undefined });
  try {
    const input = Array.from({ length: 250 }, (_, i) => `text ${i}`);
    const answer = await openaiClient(gateway.url).embeddings.create(
      { model: "embed-gemini", input },
      { headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` } },
    );
    assert.deepEqual(answer.data[249].embedding, fakeVector("text 249"));

    const spans = await collector.waitForSpans(2);
    const server = spans.find((s) => s.kind === 2)!;
    const client = spans.find((s) => s.kind === 3)!;
    assert.equal(spans.length, 2, "one server span, one client span for the one target");
    assert.equal(server.traceId, CLIENT_TRACE);
    assert.equal(server.name, "embeddings embed-gemini");
    assert.equal(server.attributes["gen_ai.operation.name"], "embeddings");
    assert.equal(server.attributes["gen_ai.usage.input_tokens"], answer.usage.prompt_tokens);
    assert.equal(client.parentSpanId, server.spanId);
    assert.equal(client.attributes["gen_ai.provider.name"], "p_gemini");

    assert.equal(fake.calls.length, 3, "250 inputs in batches of 100");
    for (const call of fake.calls) {
      assert.equal(call.headers["traceparent"], `00-${CLIENT_TRACE}-${client.spanId}-01`);
    }
  } finally {
    await gateway.close();
    await collector.close();
    await fake.close();
  }
});
