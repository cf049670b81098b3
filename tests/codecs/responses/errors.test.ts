import assert from "node:assert/strict";
import { responsesCodec } from "../../../src/codecs/responses/mod.ts";
import { GatewayError, invalidRequest } from "../../../src/codecs/unified.ts";

Deno.test("errors render as OpenAI error bodies with a type per kind", () => {
  assert.deepEqual(responsesCodec.renderError(invalidRequest("input: required", "input")), {
    error: {
      message: "input: required",
      type: "invalid_request_error",
      param: "input",
      code: null,
    },
  });
  const types = (["authentication", "rate_limit", "overloaded", "timeout"] as const).map((k) =>
    (responsesCodec.renderError(new GatewayError(k, "m")) as { error: { type: string } }).error.type
  );
  assert.deepEqual(types, [
    "authentication_error",
    "rate_limit_error",
    "server_error",
    "server_error",
  ]);
});

Deno.test("upstream error messages come from the body, never the raw text", () => {
  assert.equal(
    responsesCodec.upstreamErrorMessage(401, '{"error":{"message":"Incorrect API key"}}'),
    "Incorrect API key",
  );
  const html = responsesCodec.upstreamErrorMessage(502, "<html>bad gateway secret</html>");
  assert.doesNotMatch(html, /secret/);
  assert.match(html, /502/);
});
