/** Graceful shutdown: running streams finish within the grace period; later ones are ended. */
import assert from "node:assert/strict";
import { cooldownFilePath } from "../../src/state/file_store.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";
import { readSse } from "../support/sse_read.ts";
import { aliasConfig, postChat, sleep } from "./helpers.ts";

Deno.test("shutdown lets a running stream complete, then stops accepting", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m"]);
  config.server.shutdownGraceMs = 5000;
  const gateway = await startGateway(config);
  try {
    fake.setDefault({ kind: "scenario", scenario: {}, delayMs: 60 });
    const response = await postChat(gateway.url, "a", true);
    const body = readSse(response);
    await sleep(50);
    const started = Date.now();
    await gateway.server.shutdown();
    const events = await body;
    assert.equal(events.at(-1)?.data, "[DONE]", "the stream ran to its end");
    const text = events.map((e) => e.data === "[DONE]" ? "" : JSON.parse(e.data))
      .map((c) => c === "" ? "" : c.choices?.[0]?.delta?.content ?? "").join("");
    assert.match(text, /Hello from chat fake/);
    assert.ok(Date.now() - started < 4000, "shutdown did not wait for the whole grace period");
    await assert.rejects(postChat(gateway.url, "a"), "new connections are refused");
  } finally {
    await fake.close();
  }
});

Deno.test("after the grace period a stream still running ends with an error frame and state is saved", async () => {
  const fake = await startFakeUpstream();
  const config = aliasConfig(fake.url, ["m"]);
  config.server.shutdownGraceMs = 200;
  const gateway = await startGateway(config);
  try {
    fake.setDefault({ kind: "hang_mid_stream", afterFrames: 2 });
    const response = await postChat(gateway.url, "a", true);
    const body = readSse(response);
    await sleep(50);
    const started = Date.now();
    await gateway.server.shutdown();
    assert.ok(Date.now() - started >= 190, "the grace period was honoured");
    const events = await body;
    const last = JSON.parse(events.at(-1)!.data);
    assert.match(last.error.message, /shutting down/);
    const [record] = await gateway.waitForRecords(1);
    assert.equal(record.status, 503);
    assert.equal(fake.aborted, 1, "the upstream request was cancelled");
    const saved = JSON.parse(await Deno.readTextFile(cooldownFilePath(config.server.dataDir)));
    assert.deepEqual(saved.targets, {}, "shutting down is not the provider's failure");
  } finally {
    await fake.close();
  }
});
