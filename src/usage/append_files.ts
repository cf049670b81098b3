/** The file operations the JSONL writer needs, behind an interface so tests can fail them. */

export interface AppendFiles {
  /**
   * Appends `bytes`, creating the file (with `mode`) and its folders when missing. On failure it
   * throws; when part of `bytes` reached the file first, the error is a `PartialWriteError`
   * saying how much, so the writer continues from exactly there (no byte twice, none lost).
   */
  append(path: string, bytes: Uint8Array, mode?: number): Promise<void>;
  /** True when the file exists and its last byte is not a newline (a crash cut a line). */
  endsMidLine(path: string): Promise<boolean>;
}

/** An append that failed after `written` bytes had reached the file (a disk that filled up). */
export class PartialWriteError extends Error {
  constructor(readonly written: number, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "PartialWriteError";
  }
}

/** Bytes an append wrote before it failed: 0 unless it said otherwise. */
export function bytesWrittenBefore(error: unknown): number {
  return error instanceof PartialWriteError ? error.written : 0;
}

function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "." : path.slice(0, slash);
}

export const DENO_APPEND_FILES: AppendFiles = {
  async append(path, bytes, mode = 0o644) {
    await Deno.mkdir(dirname(path), { recursive: true });
    const file = await Deno.open(path, { append: true, create: true, mode });
    // Each write is one system call, so the count of what landed is exact when one fails.
    let written = 0;
    try {
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
    } catch (error) {
      throw new PartialWriteError(written, error);
    } finally {
      file.close();
    }
  },
  async endsMidLine(path) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
    try {
      const size = (await file.stat()).size;
      if (size === 0) return false;
      await file.seek(size - 1, Deno.SeekMode.Start);
      const last = new Uint8Array(1);
      await file.read(last);
      return last[0] !== 0x0a;
    } finally {
      file.close();
    }
  },
};
