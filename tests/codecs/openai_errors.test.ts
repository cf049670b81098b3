import assert from "node:assert/strict";
import { renderError, upstreamErrorMessage } from "../../src/codecs/openai_errors.ts";
import { GatewayError, invalidRequest } from "../../src/codecs/unified.ts";

Deno.test("errors render in the OpenAI shape with type from the kind", () => {
  assert.deepEqual(renderError(invalidRequest("messages: required", "messages")), {
    error: {
      message: "messages: required",
      type: "invalid_request_error",
      param: "messages",
      code: null,
    },
  });
  const cases: Array<[ConstructorParameters<typeof GatewayError>[0], string]> = [
    ["authentication", "authentication_error"],
    ["permission", "permission_error"],
    ["not_found", "not_found_error"],
    ["request_too_large", "invalid_request_error"],
    ["rate_limit", "rate_limit_error"],
    ["api_error", "server_error"],
    ["overloaded", "server_error"],
    ["timeout", "server_error"],
    ["bad_gateway", "server_error"],
    ["unavailable", "server_error"],
  ];
  for (const [kind, type] of cases) {
    assert.equal(renderError(new GatewayError(kind, "x")).error.type, type, kind);
  }
  assert.equal(
    renderError(new GatewayError("rate_limit", "x", { code: "rate_limit_exceeded" })).error.code,
    "rate_limit_exceeded",
  );
});

Deno.test("upstream error messages are read from common shapes and never echo raw text", () => {
  assert.equal(
    upstreamErrorMessage(404, '{"error":{"message":"model not found"}}'),
    "model not found",
  );
  assert.equal(upstreamErrorMessage(500, '{"error":"boom"}'), "boom");
  assert.equal(upstreamErrorMessage(422, '{"detail":"bad field"}'), "bad field");
  assert.equal(upstreamErrorMessage(400, '[{"error":{"message":"first"}}]'), "first");
  const html = upstreamErrorMessage(502, "<html>Bearer sk-secret bad gateway</html>");
  assert.equal(html, "upstream returned HTTP 502");
});
