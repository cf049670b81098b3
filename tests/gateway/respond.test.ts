import assert from "node:assert/strict";
import { CODECS } from "../../src/codecs/registry.ts";
import { GatewayError } from "../../src/codecs/unified.ts";
import { errorResponse } from "../../src/gateway/respond.ts";

Deno.test("an upstream 529 overload stays 529 for Anthropic clients and is 503 for the others", async () => {
  const overloaded = new GatewayError("overloaded", "Overloaded", { status: 529, retryAfter: 3 });
  const anthropic = errorResponse(CODECS.messages, overloaded);
  assert.equal(anthropic.status, 529);
  assert.equal((await anthropic.json()).error.type, "overloaded_error");
  for (const api of ["chat", "responses", "gemini"] as const) {
    const response = errorResponse(CODECS[api], overloaded);
    assert.equal(response.status, 503, api);
    assert.equal(response.headers.get("retry-after"), "3");
    const body = await response.json();
    if (api === "gemini") assert.equal(body.error.code, 503);
  }
});
