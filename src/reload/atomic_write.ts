/**
 * Replaces a file so that a reader (or a crash) sees either the old or the new text, never a
 * mix: write a temporary file beside it, flush it, keep the old one as `.bak`, rename over.
 */
import { basename, dirname, join } from "node:path";

export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  const mode = await existingMode(path);
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true, mode: mode ?? 0o600 });
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    if (mode !== undefined) await Deno.copyFile(path, `${path}.bak`);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/** The permission bits of the file being replaced (configs hold secrets: keep them private). */
async function existingMode(path: string): Promise<number | undefined> {
  try {
    const info = await Deno.stat(path);
    return info.mode === null ? 0o600 : info.mode & 0o777;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
