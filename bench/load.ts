/**
 * Load generation: `wrk` with `bench/post.lua` (installed from Debian packages when missing and
 * allowed), else autocannon from npm in this process; plus the concurrency-1 time-to-first-byte
 * loop.
 */
import { hasCommand } from "./processes.ts";
import { parseWrkSummary, percentile, type WrkSummary } from "./report.ts";

const LUA_SCRIPT = new URL("./post.lua", import.meta.url).pathname;

export type LoadTool = "wrk" | "autocannon";

export interface LoadRun {
  url: string;
  body: string;
  authorization?: string;
  connections: number;
  seconds: number;
  /** Core for the load generator, when pinning. */
  core?: number;
}

/** wrk when present or installable (root + apt-get), autocannon otherwise. */
export async function chooseLoadTool(): Promise<LoadTool> {
  if (await hasCommand("wrk")) return "wrk";
  if (Deno.uid() === 0 && await hasCommand("apt-get")) {
    console.error("bench: wrk is missing; installing it with apt-get");
    const install = await new Deno.Command("apt-get", {
      args: ["install", "-y", "-q", "wrk"],
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdout: "null",
      stderr: "inherit",
    }).output();
    if (install.success && await hasCommand("wrk")) return "wrk";
  }
  console.error("bench: wrk unavailable; using npm:autocannon");
  return "autocannon";
}

export function runLoad(tool: LoadTool, run: LoadRun): Promise<WrkSummary> {
  return tool === "wrk" ? runWrk(run) : runAutocannon(run);
}

async function runWrk(run: LoadRun): Promise<WrkSummary> {
  const bodyFile = await Deno.makeTempFile({ prefix: "plexus-bench-body-", suffix: ".json" });
  await Deno.writeTextFile(bodyFile, run.body);
  const wrkArgs = [
    "-t1",
    `-c${run.connections}`,
    `-d${run.seconds}s`,
    "--timeout",
    "10s",
    "-s",
    LUA_SCRIPT,
    run.url,
    "--",
    bodyFile,
    run.authorization ?? "",
  ];
  const pinned = run.core !== undefined;
  try {
    const out = await new Deno.Command(pinned ? "taskset" : "wrk", {
      args: pinned ? ["-c", String(run.core), "wrk", ...wrkArgs] : wrkArgs,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) {
      throw new Error(`wrk failed: ${text}${new TextDecoder().decode(out.stderr)}`);
    }
    return parseWrkSummary(text);
  } finally {
    await Deno.remove(bodyFile).catch(() => {});
  }
}

function field(value: unknown, ...path: string[]): number {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return 0;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === "number" ? current : 0;
}

/** The fallback: autocannon in this process (so it shares this process's core). */
async function runAutocannon(run: LoadRun): Promise<WrkSummary> {
  // A computed specifier keeps `deno check` from fetching autocannon when wrk is used.
  const specifier = ["npm:autocannon", "8"].join("@");
  const module: unknown = await import(specifier);
  const autocannon = (module as { default: (options: unknown) => Promise<unknown> }).default;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (run.authorization !== undefined) {
    headers.authorization = run.authorization;
    headers["anthropic-version"] = "2023-06-01";
  }
  const result = await autocannon({
    url: run.url,
    method: "POST",
    headers,
    body: run.body,
    connections: run.connections,
    duration: run.seconds,
  });
  return {
    requests: field(result, "requests", "total"),
    durationUs: field(result, "duration") * 1e6,
    p50Us: field(result, "latency", "p50") * 1000,
    p99Us: field(result, "latency", "p99") * 1000,
    maxUs: field(result, "latency", "max") * 1000,
    errors: field(result, "errors") + field(result, "timeouts") + field(result, "non2xx"),
  };
}

/** Where a time-to-first-byte probe sends its requests. */
export interface TtfbTarget {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * Median time from sending a request to its first body byte, one request at a time, in ms, per
 * target. The targets take turns, so a gateway and its direct baseline share the same moments of
 * a noisy machine. Checks every answer: a non-2xx status throws rather than being timed.
 */
export async function medianTtfbMs(
  targets: readonly TtfbTarget[],
  count: number,
): Promise<Array<number | undefined>> {
  const samples: number[][] = targets.map(() => []);
  const warmUp = Math.min(20, count);
  for (let i = 0; i < warmUp + count; i++) {
    for (let t = 0; t < targets.length; t++) {
      const elapsed = await firstByteMs(targets[t]);
      if (i >= warmUp) samples[t].push(elapsed);
    }
  }
  return samples.map((taken) => percentile(taken, 50));
}

async function firstByteMs({ url, body, headers }: TtfbTarget): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers, body });
  const reader = response.body?.getReader();
  await reader?.read();
  const elapsed = performance.now() - started;
  while (reader !== undefined && !(await reader.read()).done) {
    // Drain so the connection is reused.
  }
  if (!response.ok) throw new Error(`${url} answered ${response.status} during the ttfb loop`);
  return elapsed;
}
