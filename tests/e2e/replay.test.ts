/**
 * Every recorded real provider answer, replayed by the fake upstream exactly as the provider
 * sent it, reaches every kind of client intact: the SDK accepts every event, and the text and
 * tool calls it ends up with are the ones in the recording.
 */
import assert from "node:assert/strict";
import { INBOUND_API_NAMES } from "../../src/codecs/registry.ts";
import { testConfig, UPSTREAM_BASE_PATH } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { fixtureFiles, readFixtureJson, statusForFixtureBody } from "../support/fixtures.ts";
import { startGateway } from "../support/gateway.ts";
import { ask } from "./clients.ts";
import { expectationFor } from "./fixture_expectations.ts";

/** The status an SDK error carries (all three SDKs expose `status`). */
function statusOf(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "status" in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === "number" ? status : undefined;
  }
  return undefined;
}

for (const provider of INBOUND_API_NAMES) {
  Deno.test(`recorded ${provider} traffic replays intact to every kind of client`, async (t) => {
    const fake = await startFakeUpstream();
    const gateway = await startGateway(testConfig({
      up: { api: provider, baseUrl: fake.url + UPSTREAM_BASE_PATH[provider], models: ["recorded"] },
    }));
    try {
      for (const file of fixtureFiles(provider)) {
        const expected = expectationFor(provider, file);
        const stream = file.endsWith(".chunks.txt");
        for (const client of INBOUND_API_NAMES) {
          await t.step(`${file} → ${client} client`, async () => {
            fake.reset();
            fake.enqueue({ kind: "fixture", file, splitMidLine: stream });
            const run = () =>
              ask(client, gateway.url, {
                model: "up/recorded",
                prompt: "replay",
                stream,
                withTool: expected.toolNames.length > 0,
              });
            if (expected.errorStatus !== undefined) {
              const status = statusForFixtureBody(readFixtureJson(file));
              await assert.rejects(run, (error: unknown) => {
                assert.equal(statusOf(error), status, String(error));
                return true;
              });
              return;
            }
            if (expected.streamError) {
              await assert.rejects(run);
              return;
            }
            const answer = await run();
            const passThrough = client === provider;
            assert.equal(
              answer.text,
              passThrough ? expected.finalText ?? expected.text : expected.text,
            );
            assert.deepEqual(answer.toolCalls.map((c) => c.name), expected.toolNames);
            for (const call of answer.toolCalls) {
              assert.equal(typeof call.args, "object", `arguments of ${call.name} are an object`);
            }
          });
        }
      }
    } finally {
      await gateway.close();
      await fake.close();
    }
  });
}
