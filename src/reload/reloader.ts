/**
 * Re-reading the config while serving (SIGHUP, `POST /v0/config/reload`, a watched file, or
 * `PUT /v0/config`). Reloads run one at a time. A config that fails validation changes nothing:
 * the last good one keeps serving, and the refusal is said on stderr, on `/v0/events` and in the
 * answer. Every attempt, applied or refused, is one `config` event.
 */
import type { Env } from "../config/env.ts";
import { formatProblem, type Problem } from "../config/errors.ts";
import { parseConfigText } from "../config/load.ts";
import type { Config } from "../config/types.ts";
import { writeAtomically } from "./atomic_write.ts";
import { type ConfigChanges, configChanges, hasChanges } from "./config_changes.ts";
import { configHash } from "../config/hash.ts";

export type ReloadTrigger = "signal" | "api" | "watch" | "put";

/** Where the config comes from and what `serve` adds to every loaded config (flags, keys). */
export interface ReloadSource {
  path: string;
  env: Env;
  /** Applies command-line overrides and the generated key; may throw to refuse the config. */
  prepare?(config: Config): Promise<void>;
}

/** The running server's side: its current config, and how a new one takes effect. */
export interface ReloadTarget {
  current(): Config;
  /** Swaps the config in; returns what changed. Never throws for a valid config. */
  apply(next: Config, changes: ConfigChanges): void;
  publish(event: string, data: unknown): void;
}

export type ReloadOutcome =
  | { ok: true; changed: boolean; hash: string; changes: ConfigChanges }
  | { ok: false; status: number; message: string; problems: Problem[] };

export class Reloader {
  readonly #source: ReloadSource;
  readonly #target: ReloadTarget;
  readonly #log: (line: string) => void;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    source: ReloadSource,
    target: ReloadTarget,
    log = (line: string) => console.error(line),
  ) {
    this.#source = source;
    this.#target = target;
    this.#log = log;
  }

  get path(): string {
    return this.#source.path;
  }

  /** Re-reads the file. A watched file whose bytes did not change is left alone. */
  reload(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    return this.#serially(async () => {
      let text: string;
      try {
        text = await Deno.readTextFile(this.#source.path);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return this.#refuse(trigger, 500, `cannot read ${this.#source.path}: ${reason}`, []);
      }
      const hash = await configHash(text);
      if (trigger === "watch" && hash === this.#target.current().sourceHash) {
        return {
          ok: true,
          changed: false,
          hash,
          changes: configChanges(this.#target.current(), this.#target.current()),
        };
      }
      return await this.#validateAndApply(trigger, text, hash, undefined);
    });
  }

  /** `PUT /v0/config`: validates the document, writes it over the file (old one kept as `.bak`), applies it. */
  replace(text: string): Promise<ReloadOutcome> {
    return this.#serially(async () => {
      const hash = await configHash(text);
      return await this.#validateAndApply(
        "put",
        text,
        hash,
        () => writeAtomically(this.#source.path, text),
      );
    });
  }

  async #validateAndApply(
    trigger: ReloadTrigger,
    text: string,
    hash: string,
    persist: (() => Promise<void>) | undefined,
  ): Promise<ReloadOutcome> {
    const result = parseConfigText(text, this.#source.path, this.#source.env);
    if (!result.ok) {
      const count = result.problems.length;
      return this.#refuse(
        trigger,
        400,
        `the config has ${count} problem${count === 1 ? "" : "s"}`,
        result.problems,
      );
    }
    const next = result.config;
    next.sourceHash = hash;
    try {
      await this.#source.prepare?.(next);
      await persist?.();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return this.#refuse(trigger, 500, reason, []);
    }
    const running = this.#target.current();
    const changes = configChanges(running, next);
    this.#target.apply(next, changes);
    const changed = hasChanges(changes) || running.sourceHash !== hash;
    this.#log(
      `plexus: config reloaded (${trigger}) from ${this.#source.path}, sha256 ${hash.slice(0, 12)}${
        changesText(changes)
      }`,
    );
    for (const warning of next.warnings) this.#log(`warning: ${warning}`);
    this.#target.publish("config", {
      ok: true,
      trigger,
      hash,
      previous_hash: running.sourceHash ?? null,
      changes: changesView(changes),
      restart_needed: changes.restartNeeded,
      warnings: next.warnings,
    });
    return { ok: true, changed, hash, changes };
  }

  #refuse(
    trigger: ReloadTrigger,
    status: number,
    message: string,
    problems: Problem[],
  ): ReloadOutcome {
    this.#log(`plexus: config reload (${trigger}) refused, the running config stays: ${message}`);
    for (const problem of problems) this.#log(formatProblem(problem));
    this.#target.publish("config", {
      ok: false,
      trigger,
      hash: this.#target.current().sourceHash ?? null,
      message,
      problems,
    });
    return { ok: false, status, message, problems };
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }
}

/** The changes in the YAML's snake_case, for events and answers. */
export function changesView(changes: ConfigChanges): Record<string, string[]> {
  return {
    providers_added: changes.providersAdded,
    providers_removed: changes.providersRemoved,
    providers_changed: changes.providersChanged,
    aliases_added: changes.aliasesAdded,
    aliases_removed: changes.aliasesRemoved,
    aliases_changed: changes.aliasesChanged,
    keys_added: changes.keysAdded,
    keys_removed: changes.keysRemoved,
  };
}

function changesText(changes: ConfigChanges): string {
  const parts = Object.entries(changesView(changes))
    .filter(([, names]) => names.length > 0)
    .map(([what, names]) => `${what.replace("_", " ")}: ${names.join(", ")}`);
  if (changes.restartNeeded.length > 0) {
    parts.push(`restart needed for ${changes.restartNeeded.join(", ")} (the running values stay)`);
  }
  return parts.length === 0 ? " (no changes)" : `; ${parts.join("; ")}`;
}
