import assert from "node:assert/strict";
import {
  arrayField,
  isObject,
  isStringArray,
  numberField,
  objectField,
  parseJson,
  stringField,
} from "../../src/codecs/json_guards.ts";

Deno.test("only plain objects count as JSON objects, never null or arrays", () => {
  assert.equal(isObject({}), true);
  assert.equal(isObject(null), false);
  assert.equal(isObject([]), false);
  assert.equal(isObject("{}"), false);
});

Deno.test("field readers return a value only when it has the expected type", () => {
  const obj = {
    s: "x",
    n: 2,
    nan: Number.NaN,
    inf: Number.POSITIVE_INFINITY,
    o: { a: 1 },
    a: [1],
    nil: null,
  };
  assert.equal(stringField(obj, "s"), "x");
  assert.equal(stringField(obj, "n"), undefined);
  assert.equal(numberField(obj, "n"), 2);
  assert.equal(numberField(obj, "nan"), undefined);
  assert.equal(numberField(obj, "inf"), undefined);
  assert.deepEqual(objectField(obj, "o"), { a: 1 });
  assert.equal(objectField(obj, "a"), undefined);
  assert.equal(objectField(obj, "nil"), undefined);
  assert.deepEqual(arrayField(obj, "a"), [1]);
  assert.equal(arrayField(obj, "o"), undefined);
  assert.equal(isStringArray(["a", "b"]), true);
  assert.equal(isStringArray(["a", 1]), false);
});

Deno.test("text that is not JSON parses to undefined instead of throwing", () => {
  assert.deepEqual(parseJson('{"a":[1]}'), { a: [1] });
  assert.equal(parseJson("<html>"), undefined);
});
