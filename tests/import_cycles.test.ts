/**
 * The layers of `src/` stay layers: no file imports itself through others, and no folder does
 * (`wire/` at the bottom, then `codecs/`, `config/`, ... up to `http/`, which wires them together).
 * A cycle is reported as the files or folders in it, with the imports that close it.
 */
import assert from "node:assert/strict";
import { type SourceFile, sourceFiles } from "./support/source_files.ts";

/** Relative module specifiers of `import`/`export ... from` statements, type-only ones included. */
const IMPORT = /(?:^|\n)\s*(?:import|export)\s(?:[^"';]*?\sfrom\s)?\s*["'](\.{1,2}\/[^"']+)["']/g;

function resolve(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

export function importGraph(files: SourceFile[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const match of file.text.matchAll(IMPORT)) {
      const target = resolve(file.path, match[1]);
      if (target.startsWith("src/")) targets.add(target);
    }
    graph.set(file.path, targets);
  }
  return graph;
}

/** The top-level folder of `src/` a file belongs to (`src/codecs/chat/x.ts` -> `codecs`). */
function folderOf(path: string): string {
  const parts = path.split("/");
  return parts.length > 2 ? parts[1] : "(src)";
}

/** Strongly connected components with more than one member (Tarjan), each sorted. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

function folderGraph(files: Map<string, Set<string>>): {
  graph: Map<string, Set<string>>;
  because: Map<string, string>;
} {
  const graph = new Map<string, Set<string>>();
  const because = new Map<string, string>();
  for (const [file, targets] of files) {
    const from = folderOf(file);
    if (!graph.has(from)) graph.set(from, new Set());
    for (const target of targets) {
      const to = folderOf(target);
      if (to === from) continue;
      graph.get(from)!.add(to);
      if (!because.has(`${from} -> ${to}`)) because.set(`${from} -> ${to}`, `${file} -> ${target}`);
    }
  }
  return { graph, because };
}

Deno.test("no source file imports itself through other files", async () => {
  const graph = importGraph(await sourceFiles());
  assert.ok(graph.size > 100, "the import graph covers the sources");
  assert.deepEqual(cycles(graph), []);
});

Deno.test("no folder of src/ imports itself through other folders", async () => {
  const { graph, because } = folderGraph(importGraph(await sourceFiles()));
  const explained = cycles(graph).map((folders) =>
    [...because].filter(([edge]) =>
      folders.some((f) => edge.startsWith(`${f} -> `)) &&
      folders.some((f) => edge.endsWith(` -> ${f}`))
    ).map(([edge, example]) => `${edge} (${example})`)
  );
  assert.deepEqual(explained, []);
});

Deno.test("the cycle finder reports files and folders that import each other", () => {
  const files = importGraph([
    { path: "src/a/one.ts", text: 'import { two } from "../b/two.ts";' },
    {
      path: "src/b/two.ts",
      text: 'import type { One } from "../a/one.ts";\nexport const two = 2;',
    },
    { path: "src/b/three.ts", text: 'export { two } from "./two.ts";' },
  ]);
  assert.deepEqual(cycles(files), [["src/a/one.ts", "src/b/two.ts"]]);
  assert.deepEqual(cycles(folderGraph(files).graph), [["a", "b"]]);
  const layered = importGraph([
    { path: "src/a/one.ts", text: 'import { two } from "../b/two.ts";' },
    { path: "src/b/two.ts", text: "export const two = 2;" },
  ]);
  assert.deepEqual(cycles(layered), []);
});
