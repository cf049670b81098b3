/**
 * With the file store, what each key and alias spent per budget period is kept in
 * `{data_dir}/state/budgets.json`, so a restart does not hand out a fresh budget. Saved off the
 * request path (debounced) and once more at shutdown.
 */
import { join } from "node:path";
import { DebouncedSave } from "../state/debounced_save.ts";
import { readJsonFile, writeJsonFile } from "../state/json_file.ts";
import { LocalLimitCounters } from "./local_counters.ts";

export function budgetsFilePath(dataDir: string): string {
  return join(dataDir, "state", "budgets.json");
}

export interface PersistedCounters {
  counters: LocalLimitCounters;
  flush(): Promise<void>;
}

function isSpending(value: unknown): value is Record<string, Record<string, number>> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((periods) =>
    typeof periods === "object" && periods !== null &&
    Object.values(periods).every((nano) => typeof nano === "number" && Number.isFinite(nano))
  );
}

export async function openPersistedCounters(dataDir: string): Promise<PersistedCounters> {
  const path = budgetsFilePath(dataDir);
  const counters = new LocalLimitCounters();
  try {
    const saved = await readJsonFile(path) as { version?: number; spent?: unknown } | undefined;
    if (saved !== undefined && isSpending(saved.spent)) counters.restoreBudgets(saved.spent);
    else if (saved !== undefined) {
      console.error(`plexus: ${path} is not a budget file; ignoring it`);
    }
  } catch (error) {
    console.error(
      `plexus: cannot read ${path} (${
        error instanceof Error ? error.message : error
      }); ignoring it`,
    );
  }
  const saver = new DebouncedSave(() =>
    writeJsonFile(path, { version: 1, spent: counters.snapshotBudgets() })
  );
  counters.onBudgetChange(() => saver.schedule());
  return { counters, flush: () => saver.flush() };
}
