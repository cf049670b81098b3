/** The gateway's own TypeScript sources, read for tests about the code's shape. */

export interface SourceFile {
  /** Relative to the repository root, with `/` separators: `src/http/server.ts`. */
  path: string;
  text: string;
}

const ROOT = new URL("../../", import.meta.url);

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

/** Every `.ts` file under `src/`, sorted by path. */
export async function sourceFiles(): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  for await (const url of walk(new URL("src/", ROOT))) {
    files.push({
      path: url.pathname.slice(ROOT.pathname.length),
      text: await Deno.readTextFile(url),
    });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
