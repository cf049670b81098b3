/** Gemini's model list tells embedding models apart by their methods, as Google's does. */
import assert from "node:assert/strict";
import { geminiClient } from "./clients.ts";
import { startEmbeddingsWorld } from "./embeddings_support.ts";

Deno.test("embeddings: Gemini's model list offers embedContent for embedding models only", async () => {
  const world = await startEmbeddingsWorld();
  try {
    const pager = await geminiClient(world.gateway.url).models.list();
    const methods = new Map<string, string[] | undefined>();
    for await (const model of pager) methods.set(model.name ?? "", model.supportedActions);
    assert.deepEqual(methods.get("models/embed-gemini"), ["embedContent", "batchEmbedContents"]);
    assert.deepEqual(methods.get("models/p_chat/text-embedding-3-small"), [
      "embedContent",
      "batchEmbedContents",
    ]);
    assert.ok(methods.get("models/chatty")?.includes("generateContent"));
    assert.ok(!methods.get("models/chatty")?.includes("embedContent"));
  } finally {
    await world.close();
  }
});
