import assert from "node:assert/strict";
import { messagesCodec } from "../../../src/codecs/messages/mod.ts";
import { type ErrorKind, GatewayError } from "../../../src/codecs/unified.ts";

Deno.test("errors render in the Anthropic error shape with the documented types (504 is timeout_error)", () => {
  const expected: Record<ErrorKind, string> = {
    invalid_request: "invalid_request_error",
    authentication: "authentication_error",
    permission: "permission_error",
    not_found: "not_found_error",
    request_too_large: "request_too_large",
    rate_limit: "rate_limit_error",
    api_error: "api_error",
    overloaded: "overloaded_error",
    timeout: "timeout_error",
    bad_gateway: "api_error",
    unavailable: "overloaded_error",
  };
  for (const [kind, type] of Object.entries(expected)) {
    assert.deepEqual(messagesCodec.renderError(new GatewayError(kind as ErrorKind, "boom")), {
      type: "error",
      error: { type, message: "boom" },
    });
  }
});

Deno.test("a non-JSON upstream error body gives a short generic message with the status", () => {
  const message = messagesCodec.upstreamErrorMessage(502, "<html>Bad Gateway</html>");
  assert.ok(message.includes("502"));
  assert.ok(!message.includes("<html>"));
});
