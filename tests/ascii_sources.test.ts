/**
 * V8 keeps every loaded module's source in the heap (with the inline source map Deno adds), and
 * a single non-ASCII character stores the whole string at two bytes per character: ASCII-only
 * sources measured 0.8 MB less heap for the running gateway.
 */
import assert from "node:assert/strict";

async function* sourceFiles(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* sourceFiles(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

Deno.test("the gateway's source files are plain ASCII, so V8 keeps them at one byte per character", async () => {
  const offenders: string[] = [];
  const root = new URL("../", import.meta.url);
  const files = [new URL("main.ts", root)];
  for await (const file of sourceFiles(new URL("src/", root))) files.push(file);
  for (const file of files) {
    const lines = (await Deno.readTextFile(file)).split("\n");
    lines.forEach((line, index) => {
      if (/[\u0080-\uffff]/.test(line)) {
        offenders.push(`${file.pathname.slice(root.pathname.length)}:${index + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, []);
});
