/** What Linux's /proc says about a process: CPU time used and resident memory. */

/** utime + stime in clock ticks, from the text of `/proc/<pid>/stat` (proc(5), fields 14 and 15). */
export function cpuTicksFromStat(stat: string): number {
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // afterName[0] is field 3 (state), so field n sits at index n - 3.
  const utime = Number(afterName[14 - 3]);
  const stime = Number(afterName[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error("unexpected /proc/<pid>/stat format");
  }
  return utime + stime;
}

/** A `Vm…:  1234 kB` line of `/proc/<pid>/status`, in kB; undefined when absent. */
export function statusKb(status: string, field: "VmHWM" | "VmRSS"): number | undefined {
  for (const line of status.split("\n")) {
    if (!line.startsWith(`${field}:`)) continue;
    const kb = Number(line.slice(field.length + 1).trim().split(/\s+/)[0]);
    return Number.isFinite(kb) ? kb : undefined;
  }
  return undefined;
}

/** CPU microseconds spent per completed request between two tick readings. */
export function cpuMicrosPerRequest(
  ticksBefore: number,
  ticksAfter: number,
  ticksPerSecond: number,
  requests: number,
): number | undefined {
  if (requests <= 0) return undefined;
  return ((ticksAfter - ticksBefore) / ticksPerSecond) * 1e6 / requests;
}

export function readCpuTicks(pid: number): number {
  return cpuTicksFromStat(Deno.readTextFileSync(`/proc/${pid}/stat`));
}

export interface Memory {
  peakKb?: number;
  rssKb?: number;
}

export function readMemory(pid: number): Memory {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return { peakKb: statusKb(status, "VmHWM"), rssKb: statusKb(status, "VmRSS") };
}

/** Resets the process's peak RSS to its current RSS (Linux ≥ 4.0); false when not permitted. */
export function resetPeakRss(pid: number): boolean {
  try {
    Deno.writeTextFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** `getconf CLK_TCK`, or the near-universal 100 when getconf is missing. */
export async function clockTicksPerSecond(): Promise<number> {
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).output();
    const ticks = Number(new TextDecoder().decode(out.stdout).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}
