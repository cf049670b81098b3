import assert from "node:assert/strict";
import { chatCodec } from "../../../src/codecs/chat/mod.ts";

Deno.test("upstream URL, auth header and pass-through model swap", () => {
  assert.equal(
    chatCodec.upstreamUrl("https://api.openai.com/v1", "gpt-4o", true),
    "https://api.openai.com/v1/chat/completions",
  );
  assert.deepEqual(chatCodec.upstreamHeaders("sk-1"), { Authorization: "Bearer sk-1" });
  assert.deepEqual(chatCodec.upstreamHeaders(undefined), {});
  const body = { model: "alias", messages: [], stream: true };
  const swapped = chatCodec.passThrough.withModel(body, "gpt-4o");
  assert.deepEqual(swapped, { model: "gpt-4o", messages: [], stream: true });
  assert.equal(body.model, "alias", "the client body is not mutated");
  assert.equal(chatCodec.api, "chat");
});
