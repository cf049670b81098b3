/**
 * A newcomer reads a source file in one sitting: files in `src/` stay under ~400 lines, or say
 * in a `// Long file:` comment why they do not.
 */
import assert from "node:assert/strict";
import { sourceFiles } from "./support/source_files.ts";

const MAX_LINES = 400;
const REASON = /^\/\/ Long file: \S/m;

Deno.test("source files stay under 400 lines or give a reason", async () => {
  const files = await sourceFiles();
  assert.ok(files.length > 100, "the sources were found");
  const offenders = files
    .filter((file) => file.text.split("\n").length > MAX_LINES && !REASON.test(file.text))
    .map((file) => `${file.path}: ${file.text.split("\n").length} lines`);
  assert.deepEqual(offenders, []);
});
