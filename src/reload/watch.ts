/**
 * `server.watch_config: true`: reload when the config file changes. The folder is watched, not
 * the file, because editors save by writing a new file and renaming it over the old one, which
 * would end a watch on the file itself. Bursts of events are debounced into one reload.
 */
import { basename, dirname, resolve } from "node:path";

export interface FileWatch {
  close(): void;
}

export function watchFile(path: string, onChange: () => void, debounceMs = 300): FileWatch {
  const target = resolve(path);
  const name = basename(target);
  const watcher = Deno.watchFs(dirname(target), { recursive: false });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  (async () => {
    for await (const event of watcher) {
      if (event.kind === "access") continue;
      if (!event.paths.some((changed) => basename(changed) === name)) continue;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        if (!closed) onChange();
      }, debounceMs);
    }
  })().catch((error) => {
    if (!closed) {
      console.error(
        `plexus: watching ${target} stopped: ${error instanceof Error ? error.message : error}`,
      );
    }
  });
  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      try {
        watcher.close();
      } catch {
        // Already closed.
      }
    },
  };
}
