/**
 * After the first byte there is no fallback: a broken upstream ends the stream with an error in
 * the client's dialect. Before it, every kind of timeout counts as a failure of the target.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import { anthropicClient, openaiClient } from "../e2e/clients.ts";
import { testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { readSse } from "../support/sse_read.ts";
import { aliasConfig, byModel, chatProvider, models, OK, postChat, sleep } from "./helpers.ts";

const MID = { kind: "close_mid_stream", afterFrames: 2 } as const;

Deno.test("a chat stream that breaks after its first bytes ends with an error chunk, no fallback", async () => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(aliasConfig(fake.url, ["m1", "m2"]), {
    health: ALWAYS_HEALTHY,
  });
  try {
    fake.setDefault(byModel({ m1: MID }));
    const stream = await openaiClient(gateway.url).chat.completions.create({
      model: "a",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Error, "the SDK saw an error, not a quiet end");
    assert.ok(text.length > 0, "the first words had arrived");
    assert.deepEqual(models(fake.requests), ["m1"]);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("an Anthropic stream that breaks mid-way ends with an error event the SDK raises", async () => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(aliasConfig(fake.url, ["m1", "m2"]), {
    health: ALWAYS_HEALTHY,
  });
  try {
    fake.setDefault(byModel({ m1: { kind: "close_mid_stream", afterFrames: 3 } }));
    const stream = anthropicClient(gateway.url).messages.stream({
      model: "a",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    const error = await stream.finalMessage().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Anthropic.APIError, `an API error, got ${error}`);
    assert.deepEqual(models(fake.requests), ["m1"]);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a Responses stream that breaks mid-way ends with response.failed", async () => {
  const fake = await startFakeUpstream();
  const config = testConfig({ p: { ...chatProvider(fake.url, ["m"]) } });
  const gateway = await startGateway(config, { health: ALWAYS_HEALTHY });
  try {
    fake.setDefault(MID);
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: "Bearer test-client-key", "content-type": "application/json" },
      body: JSON.stringify({ model: "p/m", stream: true, input: "hi" }),
    });
    const events = await readSse(response);
    assert.equal(events.at(-1)?.event, "response.failed");
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a stream that breaks before its first chunk still falls back", async () => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(aliasConfig(fake.url, ["m1", "m2"]), {
    health: ALWAYS_HEALTHY,
  });
  try {
    fake.setDefault(byModel({ m1: { kind: "close_mid_stream", afterFrames: 0 } }));
    const response = await postChat(gateway.url, "a", true);
    const events = await readSse(response);
    assert.equal(events.at(-1)?.data, "[DONE]");
    assert.deepEqual(models(fake.requests), ["m1", "m2"]);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a pass-through stream cut mid-frame never hands the client half a frame", async () => {
  const fake = await startFakeUpstream();
  const gateway = await startGateway(testConfig({ p: chatProvider(fake.url, ["m"]) }), {
    health: ALWAYS_HEALTHY,
  });
  try {
    // Odd write sizes put the cut inside a frame.
    fake.setDefault({
      kind: "close_mid_stream",
      afterFrames: 3,
      source: { kind: "scenario", scenario: {}, splitMidLine: true, delayMs: 2 },
    });
    const response = await postChat(gateway.url, "p/m", true);
    const text = await response.text();
    const frames = text.split("\n\n").filter((f) => f !== "");
    for (const frame of frames) {
      assert.doesNotThrow(() => JSON.parse(frame.replace(/^data: /, "")), frame);
    }
    assert.match(frames.at(-1) ?? "", /"error"/);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("no headers within the first-byte limit is a timeout that falls back", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["slow", "fast"]);
  config.providers.p.timeouts = { firstByteMs: 150, idleMs: 2000 };
  const gateway = await startGateway(config, { health: ALWAYS_HEALTHY });
  try {
    fake.setDefault(byModel({ slow: { kind: "hang_before_headers" } }));
    const started = Date.now();
    const response = await postChat(gateway.url, "a");
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.ok(Date.now() - started < 1500);
    const [record] = await gateway.waitForRecords(1);
    assert.deepEqual(record.attempts.map((a) => a.status), [504, 200]);
    assert.equal(fake.abortedBeforeHeaders, 1, "the hung upstream request was cancelled");
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("the connect limit alone also bounds the wait for headers", async () => {
  const fake = await startFakeUpstream();
  const config = testConfig({ p: chatProvider(fake.url, ["m"], { connectMs: 150 }) });
  const gateway = await startGateway(config, { health: ALWAYS_HEALTHY });
  try {
    fake.setDefault({ kind: "hang_before_headers" });
    const response = await postChat(gateway.url, "p/m");
    assert.equal(response.status, 504);
    assert.match((await response.json()).error.message, /150 ms/);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a stream idle longer than the idle limit ends with an error frame", async () => {
  const fake = await startFakeUpstream();
  const config = testConfig({
    p: chatProvider(fake.url, ["m"], { firstByteMs: 2000, idleMs: 150 }),
  });
  const gateway = await startGateway(config, { health: ALWAYS_HEALTHY });
  try {
    fake.setDefault({ kind: "hang_mid_stream", afterFrames: 2 });
    const response = await postChat(gateway.url, "p/m", true);
    const events = await readSse(response);
    const last = JSON.parse(events.at(-1)!.data);
    assert.match(last.error.message, /idle timeout after 150 ms/);
    assert.equal(fake.aborted, 1, "the stalled upstream request was cancelled");
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a stream longer than the total limit ends with an error frame", async () => {
  const fake = await startFakeUpstream();
  const config = testConfig({
    p: chatProvider(fake.url, ["m"], { firstByteMs: 2000, idleMs: 2000, totalMs: 200 }),
  });
  const gateway = await startGateway(config, { health: ALWAYS_HEALTHY });
  try {
    fake.setDefault({ kind: "scenario", scenario: {}, delayMs: 80 });
    const response = await postChat(gateway.url, "p/m", true);
    const events = await readSse(response);
    assert.match(JSON.parse(events.at(-1)!.data).error.message, /total timeout after 200 ms/);
  } finally {
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a client that gives up cancels the upstream request and cools nothing", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m"]);
  const gateway = await startGateway(config);
  try {
    fake.enqueue({ kind: "hang_before_headers" }, OK);
    const controller = new AbortController();
    const pending = fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      signal: controller.signal,
      headers: { authorization: "Bearer test-client-key", "content-type": "application/json" },
      body: JSON.stringify({ model: "a", messages: [{ role: "user", content: "hi" }] }),
    });
    await sleep(100);
    controller.abort();
    await pending.catch(() => {});
    const [record] = await gateway.waitForRecords(1);
    assert.equal(record.status, 499);
    for (let waited = 0; fake.abortedBeforeHeaders === 0 && waited < 2000; waited += 10) {
      await sleep(10);
    }
    assert.equal(fake.abortedBeforeHeaders, 1, "the fake upstream saw the connection close");
    const detail = await fetch(`${gateway.url}/health?detail=true`, {
      headers: { authorization: `Bearer ${config.adminKey}` },
    }).then((r) => r.json());
    assert.equal(detail.targets[0].status, "healthy");
    assert.equal(detail.targets[0].consecutive_failures, 0);
  } finally {
    await gateway.close();
    await fake.close();
  }
});
