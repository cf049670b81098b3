import assert from "node:assert/strict";
import { expandEnv } from "../../src/config/env.ts";

Deno.test("a set variable replaces its reference, wherever it is in the text", () => {
  assert.deepEqual(expandEnv("http://${HOST}:${PORT}/v1", { HOST: "h", PORT: "1" }), {
    value: "http://h:1/v1",
    missing: [],
  });
});

Deno.test("the default applies when the variable is unset or empty", () => {
  assert.equal(expandEnv("${X:-fallback}", {}).value, "fallback");
  assert.equal(expandEnv("${X:-fallback}", { X: "" }).value, "fallback");
  assert.equal(expandEnv("${X:-fallback}", { X: "set" }).value, "set");
  assert.equal(expandEnv("${X:-}", {}).value, "");
  assert.deepEqual(expandEnv("${X:-}", {}).missing, []);
});

Deno.test("unset variables without a default are listed as missing", () => {
  assert.deepEqual(expandEnv("${A}-${B}-${C:-c}", { B: "b" }), { value: "-b-c", missing: ["A"] });
  assert.deepEqual(expandEnv("${A}", { A: "" }).missing, ["A"]);
});

Deno.test("$${ is an escaped, literal ${", () => {
  assert.deepEqual(expandEnv("$${A} ${A}", { A: "x" }), { value: "${A} x", missing: [] });
});

Deno.test("text that only looks like a reference is left alone", () => {
  assert.equal(expandEnv("$HOME ${1X} ${}", { HOME: "/h" }).value, "$HOME ${1X} ${}");
});
