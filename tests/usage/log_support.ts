/** Helpers for usage tests: read back the day files a server wrote. */

export type Line = Record<string, unknown>;

/** Every line of every day file under `{dataDir}/logs/usage`, oldest day first. */
export async function readUsageFiles(dataDir: string): Promise<Line[]> {
  const dir = `${dataDir}/logs/usage`;
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const lines: Line[] = [];
  for (const name of names.sort()) {
    const text = await Deno.readTextFile(`${dir}/${name}`);
    for (const line of text.split("\n")) {
      if (line !== "") lines.push(JSON.parse(line));
    }
  }
  return lines;
}
