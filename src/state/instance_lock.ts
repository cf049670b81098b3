/**
 * One instance per `data_dir` with the file store: two would overwrite each other's cooldowns,
 * budgets and keys. The first takes `{data_dir}/plexus.lock` (its pid and host); a second
 * refuses to start while that process lives. A lock left by a process that is gone (a crash)
 * is taken over. With the Redis store, instances share state through Redis and take no lock.
 */
import { join } from "node:path";

export class DataDirLocked extends Error {}

export interface InstanceLock {
  release(): Promise<void>;
}

export function lockFilePath(dataDir: string): string {
  return join(dataDir, "plexus.lock");
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** Whether a process with this pid runs on this machine (Linux: /proc; elsewhere assume so). */
function alive(pid: number): boolean {
  if (pid === Deno.pid) return false;
  if (Deno.build.os !== "linux") return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

async function holder(path: string): Promise<{ pid: number; host: string } | undefined> {
  try {
    const saved = JSON.parse(await Deno.readTextFile(path));
    return typeof saved?.pid === "number" && typeof saved?.host === "string" ? saved : undefined;
  } catch {
    return undefined;
  }
}

export async function lockDataDir(dataDir: string): Promise<InstanceLock> {
  await Deno.mkdir(dataDir, { recursive: true });
  const path = lockFilePath(dataDir);
  const me = JSON.stringify({ pid: Deno.pid, host: hostname(), started: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(path, me + "\n", { createNew: true });
      return {
        release: async () => {
          const current = await holder(path);
          if (current?.pid === Deno.pid) await Deno.remove(path).catch(() => {});
        },
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const other = await holder(path);
    const sameHost = other === undefined || other.host === hostname();
    if (other !== undefined && (!sameHost || alive(other.pid))) {
      throw new DataDirLocked(
        `another Plexus instance (pid ${other.pid} on ${other.host}) uses the data_dir ${dataDir}. ` +
          "Two instances on one data_dir would overwrite each other's state: give each its own " +
          "server.data_dir, or share state through Redis (state: { store: redis, url: ... }). " +
          `If that process is gone, delete ${path}.`,
      );
    }
    // Left by a process that is gone (or unreadable): take it over.
    await Deno.remove(path).catch(() => {});
  }
  throw new DataDirLocked(`cannot take the lock ${path}`);
}
