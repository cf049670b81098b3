/**
 * Where cooldowns are kept between runs. A file serves one machine; a shared store (for example
 * Redis) could serve several instances behind the same interface.
 */
import type { CooldownState } from "./cooldowns.ts";

export interface CooldownStore {
  /** The saved state; an empty one when nothing usable was saved. Never throws. */
  load(): Promise<CooldownState>;
  save(state: CooldownState): Promise<void>;
}

/** For tests and tools that need no memory across runs. */
export const NO_STORE: CooldownStore = {
  load: () => Promise.resolve({ providers: {}, targets: {} }),
  save: () => Promise.resolve(),
};
