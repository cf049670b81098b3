/**
 * Cooldowns in `{data_dir}/state/cooldowns.json`. Writes go to a temporary file that is then
 * renamed over the old one, so a crash mid-write leaves the previous state, never half a file.
 * A missing or unreadable file is reported once and treated as "nothing cooling": losing
 * cooldowns costs a few failed attempts, refusing to start would cost the whole gateway.
 */
import { join } from "node:path";
import { type CooldownEntry, type CooldownState, emptyCooldownState } from "./cooldowns.ts";
import type { CooldownStore } from "./store.ts";

const FORMAT_VERSION = 1;

export function cooldownFilePath(dataDir: string): string {
  return join(dataDir, "state", "cooldowns.json");
}

export interface FileStoreOptions {
  /** Where problems are told; `console.error` by default. */
  log?: (message: string) => void;
}

export class FileCooldownStore implements CooldownStore {
  readonly path: string;
  readonly #log: (message: string) => void;
  #tempSeq = 0;

  constructor(dataDir: string, options: FileStoreOptions = {}) {
    this.path = cooldownFilePath(dataDir);
    this.#log = options.log ?? ((message) => console.error(message));
  }

  async load(): Promise<CooldownState> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        this.#log(`plexus: no saved cooldowns at ${this.path}; starting with none`);
      } else {
        this.#log(`plexus: cannot read ${this.path} (${errorText(error)}); ignoring it`);
      }
      return emptyCooldownState();
    }
    const state = parseCooldownState(text);
    if (state === undefined) {
      this.#log(`plexus: ${this.path} is not a valid cooldown file; ignoring it`);
      return emptyCooldownState();
    }
    return state;
  }

  async save(state: CooldownState): Promise<void> {
    const dir = join(this.path, "..");
    await Deno.mkdir(dir, { recursive: true });
    const temp = `${this.path}.${Deno.pid}.${++this.#tempSeq}.tmp`;
    const text = JSON.stringify({ version: FORMAT_VERSION, ...state }, null, 2) + "\n";
    try {
      await Deno.writeTextFile(temp, text);
      await Deno.rename(temp, this.path);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      throw error;
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEntry(value: unknown): value is CooldownEntry {
  return isRecord(value) && typeof value.until === "number" && Number.isFinite(value.until) &&
    typeof value.reason === "string" && typeof value.failures === "number" &&
    Number.isInteger(value.failures) && value.failures >= 0;
}

function entries(value: unknown): Record<string, CooldownEntry> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, CooldownEntry> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (!isEntry(entry)) return undefined;
    out[key] = { until: entry.until, reason: entry.reason, failures: entry.failures };
  }
  return out;
}

/** The state in a saved file, or undefined when the text is not one (corrupt, other version). */
export function parseCooldownState(text: string): CooldownState | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(body) || body.version !== FORMAT_VERSION) return undefined;
  const providers = entries(body.providers);
  const targets = entries(body.targets);
  if (providers === undefined || targets === undefined) return undefined;
  return { providers, targets };
}
