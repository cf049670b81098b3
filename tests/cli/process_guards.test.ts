import assert from "node:assert/strict";
import { installProcessGuards } from "../../src/cli/process_guards.ts";

Deno.test("an unhandled rejection and an error thrown in a callback are logged, not fatal", async () => {
  const lines: string[] = [];
  installProcessGuards((line) => lines.push(line));
  Promise.reject(new Error("nobody caught this"));
  setTimeout(() => {
    throw new Error("thrown in a timer");
  }, 0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(lines, [
    "plexus: unhandled promise rejection: Error: nobody caught this",
    "plexus: uncaught error: Error: thrown in a timer",
  ]);
});
