/**
 * `serve` checks at start that it can write its data folder (usage logs, cooldowns, the
 * generated key), so an unwritable one is one clear line rather than a failure on first use.
 */
import { join } from "node:path";

/** Undefined when the folder exists (or was created) and a file can be written in it. */
export async function dataDirProblem(dataDir: string): Promise<string | undefined> {
  const probe = join(dataDir, `.write-test-${crypto.randomUUID()}`);
  try {
    await Deno.mkdir(dataDir, { recursive: true });
    await Deno.writeTextFile(probe, "", { createNew: true, mode: 0o600 });
    await Deno.remove(probe);
    return undefined;
  } catch (error) {
    return unwritable(dataDir, error);
  }
}

export function unwritable(dataDir: string, error: unknown): string {
  const reason = error instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : error instanceof Deno.errors.NotADirectory || error instanceof Deno.errors.AlreadyExists
    ? "a path component is a file, not a folder"
    : error instanceof Error
    ? error.message
    : String(error);
  return `data_dir ${dataDir} cannot be written (${reason}): set server.data_dir to a folder this user can write, or fix its permissions`;
}
