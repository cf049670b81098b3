import assert from "node:assert/strict";
import { concatBytes } from "../../src/wire/bytes.ts";

Deno.test("concatBytes joins pieces in order into a new array", () => {
  const joined = concatBytes([new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])]);
  assert.deepEqual([...joined], [1, 2, 3]);
  assert.deepEqual([...concatBytes([])], []);
});

Deno.test("concatBytes copies even a single piece, so reusing its buffer cannot change it", () => {
  const buffer = new Uint8Array([7, 8, 9]);
  const copy = concatBytes([buffer.subarray(0, 2)]);
  buffer.fill(0);
  assert.deepEqual([...copy], [7, 8]);
});
