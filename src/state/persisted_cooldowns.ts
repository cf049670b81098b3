/**
 * A cooldown tracker tied to a store: restored before the server listens, saved (debounced,
 * off the request path) after every change, and saved once more at shutdown.
 */
import type { Config } from "../config/types.ts";
import { CooldownTracker } from "./cooldowns.ts";
import { DebouncedSave } from "./debounced_save.ts";
import { FileCooldownStore } from "./file_store.ts";
import type { CooldownStore } from "./store.ts";

export interface PersistedCooldowns {
  tracker: CooldownTracker;
  /** Writes the current state now and waits for the write (at shutdown). */
  flush(): Promise<void>;
}

export interface PersistedCooldownsOptions {
  store?: CooldownStore;
  clock?: () => number;
  saveIntervalMs?: number;
}

export async function openPersistedCooldowns(
  config: Config,
  options: PersistedCooldownsOptions = {},
): Promise<PersistedCooldowns> {
  const store = options.store ?? new FileCooldownStore(config.server.dataDir);
  const tracker = new CooldownTracker({ config: config.cooldown, clock: options.clock });
  tracker.restore(await store.load());
  const saver = new DebouncedSave(() => store.save(tracker.snapshot()), options.saveIntervalMs);
  tracker.onChange(() => saver.schedule());
  return {
    tracker,
    flush: () => {
      saver.schedule();
      return saver.flush();
    },
  };
}
