/**
 * Traces end to end: an Anthropic SDK client streams through Plexus to an alias whose first
 * target fails and whose second answers in the chat dialect; a real OTLP/HTTP receiver decodes
 * what Plexus exports, and the fake provider shows the `traceparent` each attempt carried.
 */
import assert from "node:assert/strict";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import { anthropicClient } from "../e2e/clients.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { testConfig } from "../support/config.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { byModel } from "../resilience/helpers.ts";

const CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";
const NO_ENV = () => undefined;

function fallbackConfig(fakeUrl: string, collectorUrl: string, protocol?: "http/json") {
  return testConfig(
    {
      first: { api: "chat", baseUrl: `${fakeUrl}/v1`, models: ["broken"] },
      second: {
        api: "chat",
        baseUrl: `${fakeUrl}/v1`,
        models: ["good"],
        pricing: { good: { input: 1, output: 2 } },
      },
    },
    {
      smart: {
        targets: [{ provider: "first", model: "broken" }, { provider: "second", model: "good" }],
      },
    },
    { telemetry: { otlpEndpoint: collectorUrl, protocol, headers: { "x-collector-auth": "s3" } } },
  );
}

Deno.test("a translated streamed request with a fallback is one trace: a server span and a client span per attempt", async () => {
  const fake = await startFakeUpstream();
  const collector = await startOtlpReceiver();
  fake.setDefault(byModel({ broken: { kind: "error", status: 500 } }));
  const gateway = await startGateway(fallbackConfig(fake.url, collector.url), {
    health: ALWAYS_HEALTHY,
    env: NO_ENV,
  });
  try {
    const stream = anthropicClient(gateway.url).messages.stream({
      model: "smart",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    }, { headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` } });
    const message = await stream.finalMessage();
    const requestId = (await stream.withResponse()).response.headers.get("x-request-id");
    assert.ok(message.content.length > 0);

    const spans = await collector.waitForSpans(3);
    assert.equal(spans.length, 3);
    const server = spans.find((s) => s.kind === 2)!;
    const clients = spans.filter((s) => s.kind === 3);
    assert.equal(server.traceId, CLIENT_TRACE, "the client's trace is continued");
    assert.equal(server.parentSpanId, CLIENT_SPAN);
    assert.equal(server.name, "chat smart");
    assert.equal(server.attributes["gen_ai.operation.name"], "chat");
    assert.equal(server.attributes["gen_ai.request.model"], "smart");
    assert.equal(server.attributes["gen_ai.response.model"], "good");
    assert.equal(server.attributes["gen_ai.provider.name"], "second");
    assert.equal(server.attributes["plexus.key"], "tester");
    assert.equal(server.attributes["plexus.request_id"], requestId);
    assert.equal(server.attributes["gen_ai.usage.input_tokens"], message.usage.input_tokens);
    assert.equal(server.attributes["gen_ai.usage.output_tokens"], message.usage.output_tokens);
    assert.deepEqual(server.attributes["gen_ai.response.finish_reasons"], ["end_turn"]);
    assert.equal(typeof server.attributes["gen_ai.server.time_to_first_token"], "number");
    assert.equal(server.resource["service.name"], "plexus");
    for (const secret of ["test-client-key", "upstream-key-first", "upstream-key-second"]) {
      assert.ok(!JSON.stringify(spans, (_k, v) => typeof v === "bigint" ? "" : v).includes(secret));
    }

    assert.deepEqual(clients.map((s) => s.attributes["gen_ai.provider.name"]), [
      "first",
      "second",
    ]);
    for (const client of clients) {
      assert.equal(client.traceId, CLIENT_TRACE);
      assert.equal(client.parentSpanId, server.spanId);
      assert.ok(client.startNs >= server.startNs && client.endNs <= server.endNs + 1_000_000n);
    }
    const [failed, answered] = clients;
    assert.equal(failed.attributes["error.type"], "api_error");
    assert.equal(failed.attributes["http.response.status_code"], 500);
    assert.equal(failed.status?.code, 2);
    assert.equal(answered.attributes["error.type"], undefined);
    assert.equal(answered.attributes["gen_ai.request.model"], "good");
    assert.equal(answered.attributes["gen_ai.usage.output_tokens"], message.usage.output_tokens);

    // Each upstream attempt carried its own client span as the parent of whatever it does.
    assert.deepEqual(
      fake.requests.map((r) => r.headers["traceparent"]),
      clients.map((c) => `00-${CLIENT_TRACE}-${c.spanId}-01`),
    );
    assert.equal(collector.headers[0].get("x-collector-auth"), "s3");
    assert.equal(collector.contentTypes[0], "application/x-protobuf");
  } finally {
    await gateway.close();
    await collector.close();
    await fake.close();
  }
});

Deno.test("http/json export carries the same spans; a client's unsampled traceparent exports nothing", async () => {
  const fake = await startFakeUpstream();
  const collector = await startOtlpReceiver();
  const gateway = await startGateway(fallbackConfig(fake.url, collector.url, "http/json"), {
    health: ALWAYS_HEALTHY,
    env: NO_ENV,
  });
  try {
    const client = anthropicClient(gateway.url);
    const ask = (traceparent?: string) =>
      client.messages.create({
        model: "second/good",
        max_tokens: 20,
        messages: [{ role: "user", content: "hi" }],
      }, traceparent === undefined ? undefined : { headers: { traceparent } });
    await ask(`00-${CLIENT_TRACE}-${CLIENT_SPAN}-00`);
    await ask();
    const spans = await collector.waitForSpans(2);
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(spans.length, 2, "only the sampled request was exported");
    assert.ok(spans.every((s) => s.traceId !== CLIENT_TRACE));
    assert.equal(collector.contentTypes[0], "application/json");
    assert.equal(
      spans.find((s) => s.kind === 2)?.attributes["gen_ai.request.model"],
      "second/good",
    );
    assert.match(
      fake.requests[0].headers["traceparent"] ?? "",
      new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-00$`),
    );
  } finally {
    await gateway.close();
    await collector.close();
    await fake.close();
  }
});

Deno.test("a dead collector neither slows nor fails requests; dropped spans are counted", async () => {
  const fake = await startFakeUpstream();
  const collector = await startOtlpReceiver(503);
  const gateway = await startGateway(fallbackConfig(fake.url, collector.url), {
    health: ALWAYS_HEALTHY,
    env: NO_ENV,
  });
  try {
    for (let i = 0; i < 3; i++) {
      const answer = await anthropicClient(gateway.url).messages.create({
        model: "second/good",
        max_tokens: 20,
        messages: [{ role: "user", content: "hi" }],
      });
      assert.ok(answer.content.length > 0);
    }
    const deadline = Date.now() + 5000;
    let text = "";
    while (Date.now() < deadline) {
      const response = await fetch(`${gateway.url}/metrics`, {
        headers: { authorization: "Bearer test-admin-key" },
      });
      text = await response.text();
      if (/plexus_otel_spans_dropped_total\{reason="export_failed"\} [1-9]/.test(text)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(text, /plexus_otel_spans_dropped_total\{reason="export_failed"\} 6\n/);
  } finally {
    await gateway.close();
    await collector.close();
    await fake.close();
  }
});
