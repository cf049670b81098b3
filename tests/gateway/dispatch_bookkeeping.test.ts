/** The usage record of a whole answer is written after the runtime had a turn to send it. */
import assert from "node:assert/strict";
import { handleGeneration } from "../../src/gateway/dispatch.ts";
import type { Gateway } from "../../src/gateway/gateway.ts";
import type { Turns } from "../../src/wire/event_loop_turns.ts";
import { KeyRing } from "../../src/auth/client_keys.ts";
import { ALWAYS_HEALTHY } from "../../src/routing/health.ts";
import type { RequestRecord } from "../../src/usage/record.ts";
import { providerPerApi, TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";

/** Turns that pass only when the test says so. */
class HeldTurns implements Turns {
  #waiting: Array<() => void> = [];
  next(): Promise<void> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
  close(): void {
    this.release();
  }
}

Deno.test("a whole answer is handed over before its usage record is written", async () => {
  const fake = await startFakeUpstream();
  try {
    const config = testConfig(providerPerApi(fake.url, ["m"]));
    const records: RequestRecord[] = [];
    const turns = new HeldTurns();
    const gw: Gateway = {
      config,
      keys: new KeyRing(config.keys),
      health: ALWAYS_HEALTHY,
      usage: { record: (record) => records.push(record) },
      turns: turns,
    };
    const url = new URL("http://plexus.test/v1/chat/completions");
    const request = new Request(url, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "p_chat/m", messages: [{ role: "user", content: "hi" }] }),
    });
    const response = await handleGeneration({
      request,
      url,
      apiIn: "chat",
      inbound: {},
      requestId: "req-1",
      startedAt: Date.now(),
      signal: new AbortController().signal,
    }, gw);
    assert.equal(response.status, 200);
    assert.equal(records.length, 0, "nothing recorded while the answer is on its way");
    turns.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(records.length, 1);
    assert.equal(records[0].status, 200);
    assert.ok((records[0].usage?.inputTokens ?? 0) > 0);
    await response.body?.cancel();
  } finally {
    await fake.close();
  }
});
