/**
 * Reloading for a running server: the reloader, and the file watch that `server.watch_config`
 * turns on or off (a reload that flips the setting starts or stops it).
 */
import type { TargetHealth } from "../routing/health.ts";
import { CooldownTracker } from "../state/cooldowns.ts";
import { withRunningListener } from "./config_changes.ts";
import { Reloader, type ReloadSource, type ReloadTarget } from "./reloader.ts";
import { type FileWatch, watchFile } from "./watch.ts";

export interface LiveReload {
  reloader: Reloader;
  close(): void;
}

export function startReloading(source: ReloadSource, target: ReloadTarget): LiveReload {
  let watch: FileWatch | undefined;
  let closed = false;
  const setWatching = (on: boolean) => {
    if (closed || on === (watch !== undefined)) return;
    if (on) {
      watch = watchFile(source.path, () => {
        reloader.reload("watch").catch((error) => {
          console.error(`plexus: reload failed: ${error instanceof Error ? error.message : error}`);
        });
      });
    } else {
      watch?.close();
      watch = undefined;
    }
  };
  const reloader = new Reloader(source, {
    current: target.current,
    publish: target.publish,
    apply(next, changes) {
      target.apply(withRunningListener(target.current(), next), changes);
      setWatching(next.server.watchConfig);
    },
  });
  setWatching(target.current().server.watchConfig);
  return {
    reloader,
    close() {
      setWatching(false);
      closed = true;
    },
  };
}

/** Cooldowns of providers a reload removed or redefined describe a provider that is gone. */
export function forgetProviders(health: TargetHealth, providers: string[]): void {
  if (!(health instanceof CooldownTracker)) return;
  for (const provider of providers) health.clear({ provider });
}
