/** The file operations the JSONL writer needs, behind an interface so tests can fail them. */

export interface AppendFiles {
  /** Appends `text`, creating the file and its folders when missing. */
  append(path: string, text: string): Promise<void>;
  /** True when the file exists and its last byte is not a newline (a crash cut a line). */
  endsMidLine(path: string): Promise<boolean>;
}

function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "." : path.slice(0, slash);
}

export const DENO_APPEND_FILES: AppendFiles = {
  async append(path, text) {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, text, { append: true, create: true });
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
