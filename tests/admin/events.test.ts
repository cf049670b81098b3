/** `GET /v0/events`: finished requests and cooldown changes, live, without slowing the gateway. */
import assert from "node:assert/strict";
import { AdminApi } from "../../src/admin/api.ts";
import { cooldownChanges } from "../../src/admin/cooldown_events.ts";
import { eventStream } from "../../src/admin/event_stream.ts";
import { EventBus } from "../../src/admin/events.ts";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import { openaiClient } from "../e2e/clients.ts";
import { aliasConfig, OK, postChat } from "../resilience/helpers.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { adminHeaders, getJson, sleep } from "./helpers.ts";
import { FrameReader } from "./sse_reader.ts";

async function subscribe(base: string, headers: Record<string, string>): Promise<FrameReader> {
  const response = await fetch(`${base}/v0/events`, { headers });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
  assert.ok(response.body);
  const reader = new FrameReader(response.body);
  const first = await reader.next();
  assert.deepEqual(first?.comments, ["subscribed"]);
  return reader;
}

Deno.test("a request made with the openai SDK arrives as a request event with its x-request-id", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault(OK);
  const config = aliasConfig(fake.url, ["m1"]);
  const gateway = await startGateway(config);
  const events = await subscribe(gateway.url, adminHeaders(config));
  try {
    const client = openaiClient(gateway.url);
    const { data, response } = await client.chat.completions.create({
      model: "a",
      messages: [{ role: "user", content: "hello" }],
    }).withResponse();
    const requestId = response.headers.get("x-request-id");
    assert.ok(requestId);
    assert.ok(data.choices[0].message.content);

    const event = await events.waitFor("request", (d) => d.request_id === requestId);
    assert.equal(event.status, 200);
    assert.equal(event.model_requested, "a");
    assert.equal(event.provider, "p");
    assert.equal(event.model, "m1");
    assert.equal(event.key, "tester");
    assert.equal(event.output_tokens, data.usage?.completion_tokens);
    assert.ok("cost_usd" in event && "ttft_ms" in event, "the same fields as a usage log line");
  } finally {
    await events.cancel();
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a 429 sends a cooldown started event, and clearing it sends ended", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m1", "m2"]);
  const gateway = await startGateway(config);
  const admin = adminHeaders(config);
  const events = await subscribe(gateway.url, admin);
  try {
    fake.enqueue({ kind: "error", status: 429, headers: { "retry-after": "120" } });
    fake.setDefault(OK);
    (await postChat(gateway.url, "a")).body?.cancel();

    const started = await events.waitFor("cooldown");
    assert.equal(started.state, "started");
    assert.equal(started.scope, "target");
    assert.equal(started.provider, "p");
    assert.equal(started.model, "m1");
    assert.match(String(started.reason), /^429/);
    assert.ok(Date.parse(String(started.until)) > Date.now() + 100_000);

    assert.equal((await getJson(`${gateway.url}/v0/state/cooldowns`, admin, "DELETE")).status, 200);
    const ended = await events.waitFor("cooldown");
    assert.equal(ended.state, "ended");
    assert.equal(ended.model, "m1");
    assert.equal(ended.cause, "cleared");
  } finally {
    await events.cancel();
    await gateway.close();
    await fake.close();
  }
});

Deno.test("a cooldown that runs out sends ended with cause expired", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m1", "m2"]);
  const gateway = await startGateway(config);
  const events = await subscribe(gateway.url, adminHeaders(config));
  try {
    fake.enqueue({ kind: "error", status: 429, headers: { "retry-after-ms": "200" } });
    fake.setDefault(OK);
    (await postChat(gateway.url, "a")).body?.cancel();
    assert.equal((await events.waitFor("cooldown")).state, "started");
    const ended = await events.waitFor("cooldown", () => true, 3000);
    assert.equal(ended.state, "ended");
    assert.equal(ended.cause, "expired");
    assert.match(String(ended.reason), /^429/);
  } finally {
    await events.cancel();
    await gateway.close();
    await fake.close();
  }
});

Deno.test("shutdown ends open event streams instead of waiting for them", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m1"]);
  config.server.shutdownGraceMs = 10_000;
  const gateway = await startGateway(config);
  const events = await subscribe(gateway.url, adminHeaders(config));
  const began = Date.now();
  await gateway.close();
  assert.equal(await events.next(), undefined, "the stream ended");
  assert.ok(Date.now() - began < 5000, "shutdown did not wait out the grace period");
  await fake.close();
});

Deno.test("a subscriber that does not read loses the oldest events, counted, and the gateway never waits", async () => {
  const bus = new EventBus();
  const subscription = bus.subscribe(3);
  for (let i = 1; i <= 10; i++) bus.publish("request", { n: i });
  assert.equal(subscription.dropped, 7);
  assert.deepEqual(subscription.take().map((e) => JSON.parse(e.data).n), [8, 9, 10]);

  const stream = new FrameReader(eventStream(subscription, 60_000));
  assert.deepEqual((await stream.next())?.comments, ["subscribed"]);
  bus.publish("request", { n: 11 });
  const dropped = await stream.next();
  assert.equal(dropped?.event, "dropped");
  assert.deepEqual(JSON.parse(dropped?.data ?? "null"), { dropped: 7 });
  const next = await stream.next();
  assert.equal(next?.event, "request");
  assert.deepEqual(JSON.parse(next?.data ?? "null"), { n: 11 });
  await stream.cancel();
  assert.equal(bus.subscriberCount, 0, "cancelling the stream unsubscribed it");
});

Deno.test("an idle stream gets a keep-alive comment every interval", async () => {
  const bus = new EventBus();
  const stream = new FrameReader(eventStream(bus.subscribe(), 30));
  await stream.next();
  const began = Date.now();
  const idle = await stream.next();
  assert.deepEqual(idle?.comments, ["keep-alive"]);
  assert.ok(Date.now() - began >= 25);
  bus.close();
  assert.equal(await stream.next(), undefined, "closing the bus ends the stream");
});

Deno.test("cooldown changes: new entries start, removed ones are cleared, past ones expired", () => {
  const now = 1_000_000;
  const entry = (until: number) => ({ until, reason: "429: slow down", failures: 1 });
  const first = cooldownChanges(new Map(), {
    providers: { q: entry(now + 50) },
    targets: { "p/m1": entry(now + 100), "p/org/m2": entry(now - 1) },
  }, now);
  assert.deepEqual(first.events.map((e) => [e.state, e.scope, e.provider, e.model]), [
    ["started", "provider", "q", undefined],
    ["started", "target", "p", "m1"],
  ]);
  const again = cooldownChanges(first.announced, {
    providers: { q: entry(now + 50) },
    targets: { "p/m1": entry(now + 100) },
  }, now + 10);
  assert.deepEqual(again.events, [], "nothing changed, nothing announced twice");

  const later = cooldownChanges(again.announced, {
    providers: { q: entry(now + 50) },
    targets: {},
  }, now + 60);
  assert.deepEqual(later.events.map((e) => [e.state, e.scope, e.provider, e.model, e.cause]), [
    ["ended", "provider", "q", undefined, "expired"],
    ["ended", "target", "p", "m1", "cleared"],
  ]);
  assert.equal(later.announced.size, 0);
});

Deno.test("a client that disconnects from /v0/events is unsubscribed", async () => {
  const config = aliasConfig("http://127.0.0.1:9", ["m1"]);
  const admin = new AdminApi({
    config,
    version: "test",
    startedAt: Date.now(),
    health: () => ALWAYS_HEALTHY,
    stats: () => [],
    inFlight: () => 0,
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => admin.handle(request, new URL(request.url)),
  );
  try {
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/v0/events`, {
      headers: adminHeaders(config),
      signal: abort.signal,
    });
    assert.equal(admin.events.subscriberCount, 1);
    abort.abort();
    await response.body?.cancel().catch(() => {});
    const deadline = Date.now() + 2000;
    while (admin.events.subscriberCount > 0 && Date.now() < deadline) await sleep(10);
    assert.equal(admin.events.subscriberCount, 0);
  } finally {
    admin.close();
    await server.shutdown();
  }
});
