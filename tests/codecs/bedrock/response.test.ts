import assert from "node:assert/strict";
import { bedrockCodec } from "../../../src/codecs/bedrock/mod.ts";
import { kindForErrorType } from "../../../src/codecs/bedrock/errors.ts";
import { baseRequest, readFixture } from "./helpers.ts";

Deno.test("recorded Converse answer with reasoning: signed reasoning, then text, usage", () => {
  const response = bedrockCodec.toUnifiedResponse(
    JSON.parse(readFixture("amazon-bedrock-reasoning.json")),
    baseRequest(),
  );
  assert.equal(response.content.length, 2);
  assert.equal(response.content[0].type, "reasoning");
  assert.match((response.content[0] as { signature: string }).signature, /^EvYBCkgI/);
  assert.deepEqual(response.content[1], {
    type: "text",
    text: 'There are **3** r\'s in "strawberry":\n\n1. st**r**awbe**r****r**y',
  });
  assert.equal(response.stopReason, "end_turn");
  assert.deepEqual(response.usage, {
    inputTokens: 51,
    outputTokens: 78,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  });
});

Deno.test("recorded Converse tool call: arguments as JSON text, stop reason tool_use", () => {
  const response = bedrockCodec.toUnifiedResponse(
    JSON.parse(readFixture("bedrock-tool-call.1.json")),
    baseRequest(),
  );
  assert.deepEqual(response.content, [{
    type: "tool_call",
    id: "tool-use-id",
    name: "bash",
    arguments: '{"command":"ls -l"}',
  }]);
  assert.equal(response.stopReason, "tool_use");
});

Deno.test("cache reads and writes are added to the prompt; guardrails and filters read as content_filter", () => {
  const body = (stopReason: string) => ({
    output: { message: { role: "assistant", content: [{ text: "x" }] } },
    stopReason,
    usage: {
      inputTokens: 10,
      outputTokens: 5,
      cacheReadInputTokens: 100,
      cacheWriteInputTokens: 7,
    },
  });
  const response = bedrockCodec.toUnifiedResponse(body("guardrail_intervened"), baseRequest());
  assert.equal(response.usage.inputTokens, 117);
  assert.equal(response.usage.cacheReadTokens, 100);
  assert.equal(response.usage.cacheWriteTokens, 7);
  assert.equal(response.stopReason, "content_filter");
  for (
    const [wire, unified] of [
      ["content_filtered", "content_filter"],
      ["max_tokens", "max_tokens"],
      ["stop_sequence", "stop_sequence"],
      ["tool_use", "tool_use"],
      ["end_turn", "end_turn"],
    ]
  ) {
    assert.equal(bedrockCodec.toUnifiedResponse(body(wire), baseRequest()).stopReason, unified);
  }
});

Deno.test("a body without output.message is a bad gateway, not a crash", () => {
  assert.throws(() => bedrockCodec.toUnifiedResponse({ foo: 1 }, baseRequest()), /malformed/);
});

Deno.test("error types name their kind, in header and event spellings", () => {
  assert.equal(
    kindForErrorType("ThrottlingException:http://internal.amazon.com/coral/"),
    "rate_limit",
  );
  assert.equal(kindForErrorType("throttlingException"), "rate_limit");
  assert.equal(kindForErrorType("ValidationException"), "invalid_request");
  assert.equal(kindForErrorType("ServiceQuotaExceededException"), "rate_limit");
  assert.equal(kindForErrorType("UnrecognizedClientException"), "authentication");
  assert.equal(kindForErrorType("AccessDeniedException"), "permission");
  assert.equal(kindForErrorType("ResourceNotFoundException"), "not_found");
  assert.equal(kindForErrorType("ModelErrorException"), "bad_gateway");
  assert.equal(kindForErrorType("serviceUnavailableException"), "unavailable");
  assert.equal(kindForErrorType("SomethingNew"), undefined);
  assert.equal(bedrockCodec.upstreamErrorMessage(400, '{"message":"bad input"}'), "bad input");
  assert.equal(bedrockCodec.upstreamErrorMessage(403, '{"Message":"denied"}'), "denied");
});
