/**
 * The client key `serve` creates when the config leaves none, so a fresh install is locked by
 * default. Kept in `{data_dir}/generated-key` (mode 0600) and reused on later starts.
 */
import { join } from "node:path";

export const GENERATED_KEY_FILE = "generated-key";

export function generatedKeyPath(dataDir: string): string {
  return join(dataDir, GENERATED_KEY_FILE);
}

function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const base64url = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
  return `plx-${base64url}`;
}

async function readExisting(path: string): Promise<string | undefined> {
  try {
    const secret = (await Deno.readTextFile(path)).trim();
    return secret === "" ? undefined : secret;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

export async function ensureGeneratedKey(dataDir: string): Promise<string> {
  const path = generatedKeyPath(dataDir);
  const existing = await readExisting(path);
  if (existing !== undefined) return existing;
  await Deno.mkdir(dataDir, { recursive: true });
  const secret = newSecret();
  try {
    // createNew: two servers starting at once must not end up with different keys.
    await Deno.writeTextFile(path, `${secret}\n`, { mode: 0o600, createNew: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    const winner = await readExisting(path);
    if (winner !== undefined) return winner;
    await Deno.writeTextFile(path, `${secret}\n`, { mode: 0o600 });
  }
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600);
  return secret;
}
