/**
 * Small JSON state files in `{data_dir}/state/`: written to a temporary file then renamed, so a
 * crash mid-write leaves the previous version, never half a file.
 */
import { dirname } from "node:path";

let tempSeq = 0;

/** The parsed file; undefined when it does not exist. Throws when it exists but is not JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  return JSON.parse(text);
}

export async function writeJsonFile(path: string, value: unknown, mode = 0o600): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${Deno.pid}.${++tempSeq}.tmp`;
  try {
    await Deno.writeTextFile(temp, JSON.stringify(value, null, 2) + "\n", { mode });
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
