/** The opt-in body log is no way in: nothing before authentication, nothing deep enough to crash. */
import assert from "node:assert/strict";
import { redact } from "../../src/usage/redact.ts";
import { TEST_KEY, testConfig } from "../support/config.ts";
import { startGateway } from "../support/gateway.ts";

Deno.test("redaction walks a value nested 100,000 deep without recursion", () => {
  let value: unknown = "sk-secret-123456";
  for (let i = 0; i < 100_000; i++) value = { inner: [value] };
  let out = redact(value, ["sk-secret-123456"]) as Record<string, unknown>;
  for (let i = 0; i < 100_000; i++) out = (out.inner as unknown[])[0] as Record<string, unknown>;
  assert.equal(out, "[redacted]");
});

Deno.test("bodies are logged only for authenticated requests within the limits", async () => {
  const config = testConfig(
    { oa: { api: "chat", baseUrl: "http://127.0.0.1:9/v1", models: ["m"] } },
    {},
    { logging: { bodies: true } },
  );
  config.server.maxBodyBytes = 8000;
  const dataDir = config.server.dataDir;
  const gateway = await startGateway(config);
  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    }).then(async (response) => (await response.body?.cancel(), response.status));
  try {
    const deep = "[".repeat(3000) + "]".repeat(3000);
    assert.equal(await post({}, `{"unauthenticated":${deep}}`), 401);
    assert.equal(await post({}, JSON.stringify({ big: "x".repeat(10_000) })), 401);
    const auth = { authorization: `Bearer ${TEST_KEY}` };
    assert.equal(await post(auth, JSON.stringify({ big: "x".repeat(10_000) })), 413);
    assert.equal(await post(auth, `{"deep":${deep}}`), 400);
    await gateway.waitForRecords(4);
  } finally {
    await gateway.server.shutdown();
  }
  const logged = await Deno.readDir(`${dataDir}/logs/bodies`)[Symbol.asyncIterator]().next()
    .then((entry) =>
      entry.done ? "" : Deno.readTextFile(`${dataDir}/logs/bodies/${entry.value.name}`)
    )
    .catch(() => "");
  assert.equal(logged, "", "no body was logged");
  await Deno.remove(dataDir, { recursive: true });
});
