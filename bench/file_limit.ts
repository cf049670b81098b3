/**
 * The open-file limit the stream bench needs, raised the way a deployment raises it: a server
 * holding 10,000 streams needs ~20,000 sockets, past the usual soft limit of 1,024 (systemd:
 * `LimitNOFILE=`, a shell: `ulimit -n`). Deno has no setrlimit, so this runs `prlimit` on its own
 * process; the processes it starts afterwards inherit the limit.
 */

/** The soft and hard "Max open files" of a `/proc/<pid>/limits` text; undefined when absent. */
export function openFileLimits(limits: string): { soft: number; hard: number } | undefined {
  const line = limits.split("\n").find((l) => l.startsWith("Max open files"));
  if (line === undefined) return undefined;
  const [soft, hard] = line.slice("Max open files".length).trim().split(/\s+/);
  const parse = (value: string | undefined) =>
    value === "unlimited" ? Number.POSITIVE_INFINITY : Number(value);
  const parsed = { soft: parse(soft), hard: parse(hard) };
  return Number.isNaN(parsed.soft) || Number.isNaN(parsed.hard) ? undefined : parsed;
}

function currentLimits() {
  try {
    return openFileLimits(Deno.readTextFileSync(`/proc/${Deno.pid}/limits`));
  } catch {
    return undefined; // Not Linux.
  }
}

/**
 * Raises this process's open-file limit to at least `needed` (65,536 when it can), returns the soft
 * limit now in force; throws when it stays below `needed`, saying how to raise it.
 */
export async function raiseFileLimit(needed: number): Promise<number> {
  const before = currentLimits();
  if (before === undefined) return Number.NaN;
  if (before.soft >= needed) return before.soft;
  const target = Math.max(needed, 65_536);
  // Only root may raise the hard limit; anyone may raise the soft one up to it.
  for (const value of [`${target}:${target}`, `${Math.min(target, before.hard)}:${before.hard}`]) {
    try {
      await new Deno.Command("prlimit", {
        args: ["--pid", String(Deno.pid), `--nofile=${value}`],
        stdout: "null",
        stderr: "null",
      }).output();
    } catch {
      break; // No prlimit.
    }
    if ((currentLimits()?.soft ?? 0) >= needed) break;
  }
  const after = currentLimits()?.soft ?? before.soft;
  if (after < needed) {
    throw new Error(
      `open-file limit ${after} (hard ${before.hard}) < ${needed} needed: run ` +
        `\`ulimit -n ${target}\` first (raising the hard limit takes root with CAP_SYS_RESOURCE, ` +
        "or /etc/security/limits.conf) or lower BENCH_STREAMS",
    );
  }
  return after;
}
