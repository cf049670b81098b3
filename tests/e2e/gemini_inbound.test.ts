/**
 * Gemini callers that do not use the SDK: `streamGenerateContent` without `alt=sse` answers one
 * JSON array of chunks, as the real API does, and the key may come as `?key=`.
 */
import assert from "node:assert/strict";
import { providerPerApi, TEST_KEY, testConfig } from "../support/config.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway } from "../support/gateway.ts";

const BODY = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });

for (const provider of ["chat", "gemini"] as const) {
  Deno.test(`a streamed Gemini answer without alt=sse is one JSON array (${provider} provider)`, async () => {
    const fake = await startFakeUpstream();
    const gateway = await startGateway(testConfig(providerPerApi(fake.url, ["m"])));
    try {
      const response = await fetch(
        `${gateway.url}/v1beta/models/p_${provider}/m:streamGenerateContent?key=${TEST_KEY}`,
        { method: "POST", headers: { "content-type": "application/json" }, body: BODY },
      );
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /application\/json/);
      const chunks = JSON.parse(await response.text()) as Array<Record<string, unknown>>;
      assert.ok(Array.isArray(chunks) && chunks.length > 1);
      const text = chunks.map((c) => {
        const candidate =
          (c.candidates as Array<{ content?: { parts?: Array<{ text?: string }> } }>)
            ?.[0];
        return (candidate?.content?.parts ?? []).map((p) => p.text ?? "").join("");
      }).join("");
      assert.equal(text, `Hello from ${provider} fake`);
      const last = chunks.at(-1)!;
      assert.ok(last.usageMetadata, "the last chunk carries usage");
      assert.equal(fake.lastRequest(provider)?.stream, true);
    } finally {
      await gateway.close();
      await fake.close();
    }
  });
}
