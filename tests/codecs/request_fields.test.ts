import assert from "node:assert/strict";
import {
  optionalBoolean,
  optionalNumber,
  optionalPositiveInteger,
  optionalString,
} from "../../src/codecs/request_fields.ts";
import { GatewayError } from "../../src/codecs/unified.ts";

function rejection(run: () => unknown): { message: string; param?: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return { message: error.message, param: error.param };
    throw error;
  }
  throw new Error("expected a GatewayError");
}

Deno.test("absent and null optional fields read as undefined", () => {
  for (const value of [undefined, null]) {
    assert.equal(optionalBoolean(value, "stream"), undefined);
    assert.equal(optionalNumber(value, "temperature"), undefined);
    assert.equal(optionalPositiveInteger(value, "max_tokens"), undefined);
    assert.equal(optionalString(value, "user"), undefined);
  }
  assert.equal(optionalBoolean(false, "stream"), false);
  assert.equal(optionalNumber(0, "temperature"), 0);
  assert.equal(optionalString("", "user"), "");
});

Deno.test("a field of the wrong type is a 400 that names the field", () => {
  assert.deepEqual(rejection(() => optionalBoolean("yes", "stream")), {
    message: "stream: expected a boolean",
    param: "stream",
  });
  assert.deepEqual(rejection(() => optionalNumber(Number.NaN, "top_p")), {
    message: "top_p: expected a number",
    param: "top_p",
  });
  assert.deepEqual(rejection(() => optionalString(7, "user")), {
    message: "user: expected a string",
    param: "user",
  });
});

Deno.test("token limits must be whole numbers of at least one", () => {
  assert.equal(optionalPositiveInteger(1, "max_tokens"), 1);
  for (const bad of [0, -5, 1.5]) {
    assert.equal(
      rejection(() => optionalPositiveInteger(bad, "max_tokens")).message,
      "max_tokens: expected a positive integer",
    );
  }
  assert.equal(
    rejection(() => optionalPositiveInteger("8", "max_tokens")).message,
    "max_tokens: expected a number",
  );
});
