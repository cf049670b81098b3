import assert from "node:assert/strict";
import { Router } from "../../src/http/router.ts";

const ok = () => new Response("ok");

Deno.test("the router matches exact paths and reports allowed methods otherwise", () => {
  const router = new Router<void>().on("GET", "/health", ok).on("POST", "/v1/messages", ok);
  assert.equal(router.match("GET", "/health").kind, "found");
  assert.equal(router.match("HEAD", "/health").kind, "found");
  assert.deepEqual(router.match("GET", "/v1/messages"), {
    kind: "method_not_allowed",
    allow: ["POST"],
  });
  assert.equal(router.match("GET", "/nope").kind, "not_found");
});

Deno.test("Gemini model paths yield the model, slashes included, and the method", () => {
  const router = new Router<void>().onPattern(
    "POST",
    /^\/v1beta\/models\/(.+):(generateContent|streamGenerateContent)$/,
    ["model", "method"],
    ok,
  );
  const match = router.match("POST", "/v1beta/models/openai/gpt-4o:streamGenerateContent");
  assert.equal(match.kind, "found");
  if (match.kind === "found") {
    assert.deepEqual(match.params, { model: "openai/gpt-4o", method: "streamGenerateContent" });
  }
});
