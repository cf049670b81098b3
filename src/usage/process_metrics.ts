/**
 * The process metrics every Prometheus client library exports under the same names
 * (prometheus.io/docs/instrumenting/writing_clientlibs, "Process metrics"), plus
 * `plexus_build_info`. Read at scrape time; the file-descriptor counts come from Linux's /proc
 * and are left out where it does not exist.
 */
import process from "node:process";
import { Counter, Gauge } from "./prometheus.ts";

/** Epoch seconds when the process started: the runtime's time origin is the process start. */
const START_TIME_SECONDS = (Date.now() - performance.now()) / 1000;

function openFds(): number | undefined {
  try {
    let n = 0;
    for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
    return n;
  } catch {
    return undefined;
  }
}

/** The soft limit of "Max open files" in /proc/self/limits. */
function maxFds(): number | undefined {
  try {
    const line = Deno.readTextFileSync("/proc/self/limits").split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
    const n = Number(soft);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

function gauge(name: string, help: string, value: number | undefined): string {
  if (value === undefined) return "";
  const g = new Gauge(name, help);
  g.set({}, value);
  return g.render();
}

export function renderProcessMetrics(version: string): string {
  const { user, system } = process.cpuUsage();
  const cpu = new Counter(
    "process_cpu_seconds_total",
    "Total user and system CPU time in seconds.",
  );
  cpu.inc({}, (user + system) / 1e6);
  const build = new Gauge("plexus_build_info", "Always 1; the labels say which build runs.");
  build.set({ version, deno: Deno.version.deno }, 1);
  return cpu.render() +
    gauge(
      "process_resident_memory_bytes",
      "Resident memory size in bytes.",
      Deno.memoryUsage().rss,
    ) +
    gauge("process_open_fds", "Number of open file descriptors.", openFds()) +
    gauge("process_max_fds", "Maximum number of open file descriptors.", maxFds()) +
    gauge(
      "process_start_time_seconds",
      "Start time of the process since the Unix epoch in seconds.",
      START_TIME_SECONDS,
    ) +
    build.render();
}
