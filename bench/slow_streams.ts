/**
 * `make bench-streams`: many slow streams. N concurrent streamed Anthropic Messages requests
 * (`BENCH_STREAMS`, default 10,000) go through the gateway, each answered by the slow-stream fake
 * provider with one token every `BENCH_STREAM_INTERVAL_MS` for `BENCH_STREAM_SECONDS`; once
 * pass-through (messages→messages) and once translated (messages→chat), after a direct baseline
 * (clients straight at the fake). Reports the gateway's peak RSS and RSS per open stream, the delay
 * from a token's upstream send to its receipt (p50/p99), gateway CPU per token, and errors.
 * See bench/README.md.
 */
import { clockTicksPerSecond, readCpuTicks, readMemory, resetPeakRss } from "./proc.ts";
import { freePort, hasCommand, pinSelf, start, type Started, waitUntilUp } from "./processes.ts";
import { startBenchGateway } from "./servers.ts";
import { ALIAS, CLIENT_KEY, PATHS, requestBody } from "./scenarios.ts";
import type { ClientOptions, ClientResult } from "./stream_client.ts";
import { histogramPercentile, mergeSparse, newHistogram } from "./stream_stamps.ts";
import { formatStreamTable, type StreamRow } from "./stream_report.ts";
import { raiseFileLimit } from "./file_limit.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const RESULTS_DIR = `${ROOT}bench/results`;

export interface StreamSettings {
  streams: number;
  seconds: number;
  intervalMs: number;
  clients: number;
  rampSeconds: number;
  denoFlags: string[];
  v8Flags?: string;
}

function envNumber(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

export function streamSettingsFromEnv(): StreamSettings {
  const streams = envNumber("BENCH_STREAMS", 10_000);
  return {
    streams,
    seconds: envNumber("BENCH_STREAM_SECONDS", 30),
    intervalMs: envNumber("BENCH_STREAM_INTERVAL_MS", 50),
    clients: Math.max(1, envNumber("BENCH_STREAM_CLIENTS", streams >= 2000 ? 2 : 1)),
    rampSeconds: envNumber("BENCH_STREAM_RAMP", Math.min(5, streams / 2000)),
    v8Flags: Deno.env.get("BENCH_V8_FLAGS") || undefined,
    denoFlags: (Deno.env.get("BENCH_DENO_FLAGS") ?? "").split(" ").filter((flag) => flag !== ""),
  };
}

interface Mode {
  name: string;
  /** Undefined: the clients talk to the fake provider itself (the baseline). */
  alias?: string;
}

const MODES: Mode[] = [
  { name: "direct (baseline)" },
  { name: "messages→messages", alias: ALIAS.messages },
  { name: "messages→chat", alias: ALIAS.chat },
];

async function runClients(
  s: StreamSettings,
  o: Omit<ClientOptions, "streams" | "rampMs">,
  core: number | undefined,
): Promise<ClientResult[]> {
  const children: Promise<ClientResult>[] = [];
  for (let i = 0; i < s.clients; i++) {
    const streams = Math.floor(s.streams / s.clients) + (i < s.streams % s.clients ? 1 : 0);
    const options: ClientOptions = { ...o, streams, rampMs: s.rampSeconds * 1000 };
    const args = ["run", "-A", `${ROOT}bench/stream_client.ts`, JSON.stringify(options)];
    const command = core === undefined ? Deno.execPath() : "taskset";
    const fullArgs = core === undefined ? args : ["-c", String(core), Deno.execPath(), ...args];
    children.push(
      new Deno.Command(command, { args: fullArgs, stdout: "piped", stderr: "inherit" }).output()
        .then((out) => {
          const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
          if (!out.success || line === "") throw new Error(`stream client ${i} failed`);
          return JSON.parse(line) as ClientResult;
        }),
    );
  }
  return await Promise.all(children);
}

/** Gateway RSS, sampled once a second until `until` settles; returns the highest sample (kB). */
async function sampleRss(pid: number, until: Promise<unknown>): Promise<number> {
  let settled = false;
  until.finally(() => settled = true).catch(() => {});
  let highest = 0;
  while (!settled) {
    highest = Math.max(highest, readMemory(pid).rssKb ?? 0);
    await Promise.race([until.catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);
  }
  return highest;
}

async function measureMode(
  p: Upstream,
  target: { process: Started; port: number },
  s: StreamSettings,
  mode: Mode,
): Promise<StreamRow> {
  const direct = mode.alias === undefined;
  const measured = target.process;
  const base = {
    port: target.port,
    path: PATHS.messages,
    authorization: direct ? undefined : `Bearer ${CLIENT_KEY}`,
    timeoutMs: (s.seconds + s.rampSeconds) * 1000 + 30_000,
    steadyAfterMs: 2 * s.intervalMs,
  };
  const tokensPerStream = Math.max(1, Math.round(s.seconds * 1000 / s.intervalMs));
  const body = (tokens: number) =>
    requestBody("messages", mode.alias ?? "bench-model", true)
      .replace(/"max_tokens":\d+/, `"max_tokens":${tokens}`);
  // A warm-up of short streams: the idle figure is a process that has served this path.
  const warm = await runClients({ ...s, streams: 50, clients: 1, rampSeconds: 0.5 }, {
    ...base,
    body: body(5),
    expectedTokens: 5,
  }, p.core?.load);
  if (warm[0].completed !== 50) {
    throw new Error(`${mode.name}: warm-up streams failed: ${JSON.stringify(warm[0].errors)}`);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const idleKb = readMemory(measured.pid).rssKb ?? 0;
  resetPeakRss(measured.pid);
  const ticksBefore = readCpuTicks(measured.pid);
  const upstreamTicksBefore = readCpuTicks(p.process.pid);
  const startedAt = performance.now();
  const clients = runClients(s, {
    ...base,
    body: body(tokensPerStream),
    expectedTokens: tokensPerStream,
  }, p.core?.load);
  const sampledPeakKb = await sampleRss(measured.pid, clients);
  const results = await clients;
  const wallS = (performance.now() - startedAt) / 1000;
  const ticksAfter = readCpuTicks(measured.pid);
  const upstreamTicksAfter = readCpuTicks(p.process.pid);
  const peakKb = Math.max(readMemory(measured.pid).peakKb ?? 0, sampledPeakKb);

  const histogram = newHistogram();
  const histogramAll = newHistogram();
  const errors: Record<string, number> = {};
  let tokens = 0;
  let completed = 0;
  for (const r of results) {
    mergeSparse(histogram, r.histogram);
    mergeSparse(histogramAll, r.histogramAll);
    tokens += r.tokens;
    completed += r.completed;
    for (const [kind, count] of Object.entries(r.errors)) {
      errors[kind] = (errors[kind] ?? 0) + count;
    }
  }
  const cpuS = (ticksAfter - ticksBefore) / p.ticksPerSecond;
  return {
    name: mode.name,
    direct,
    streams: s.streams,
    completed,
    tokens,
    idleRssMb: idleKb / 1024,
    peakRssMb: peakKb / 1024,
    kbPerStream: s.streams > 0 ? (peakKb - idleKb) / s.streams : undefined,
    delayP50Ms: histogramPercentile(histogram, 50),
    delayP99Ms: histogramPercentile(histogram, 99),
    delayMaxMs: histogramPercentile(histogram, 100),
    delayP99AllMs: histogramPercentile(histogramAll, 99),
    cpuUsPerToken: tokens > 0 ? cpuS * 1e6 / tokens : undefined,
    cpuPercent: cpuS / wallS * 100,
    upstreamCpuPercent: (upstreamTicksAfter - upstreamTicksBefore) / p.ticksPerSecond / wallS * 100,
    clientCpuPercent: results.map((r) => r.cpuMs / r.wallMs * 100),
    errors,
  };
}

interface Upstream {
  process: Started;
  port: number;
  core?: { load: number; gateway: number };
  ticksPerSecond: number;
}

async function startUpstream(s: StreamSettings): Promise<Upstream> {
  const pinning = await hasCommand("taskset") && navigator.hardwareConcurrency >= 2;
  const core = pinning ? { load: 0, gateway: 1 } : undefined;
  if (core) await pinSelf(core.load);
  const port = freePort();
  const process = start(Deno.execPath(), [
    "run",
    "-A",
    `${ROOT}bench/stream_upstream.ts`,
    String(port),
    String(s.seconds),
    String(s.intervalMs),
  ], { core: core?.load });
  try {
    await waitUntilUp(`http://127.0.0.1:${port}/_stats`, process);
  } catch (error) {
    await process.stop();
    throw error;
  }
  return { process, port, core, ticksPerSecond: await clockTicksPerSecond() };
}

/** A fresh gateway per mode: memory one mode's peak left behind must not count as the next's idle. */
async function withTarget<T>(
  upstream: Upstream,
  s: StreamSettings,
  mode: Mode,
  run: (target: { process: Started; port: number }) => Promise<T>,
): Promise<T> {
  if (mode.alias === undefined) return await run(upstream);
  const workDir = await Deno.makeTempDir({ prefix: "plexus-bench-streams-" });
  try {
    const gateway = await startBenchGateway({
      upstreamPort: upstream.port,
      workDir,
      core: upstream.core?.gateway,
      denoFlags: s.denoFlags,
      v8Flags: s.v8Flags ? [s.v8Flags] : [],
      // A deployment holding N streams raises limits.max_connections (default 1,024) with them.
      maxConnections: s.streams + 100,
    });
    try {
      return await run(gateway);
    } finally {
      await gateway.process.stop();
    }
  } finally {
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/** Runs the scenario and prints its table; returns the rows (for `make bench`'s record). */
export async function runSlowStreams(s: StreamSettings): Promise<StreamRow[]> {
  // Each stream holds a client socket and, in the gateway, a client and an upstream socket.
  const limit = await raiseFileLimit(2 * s.streams + 100);
  console.error(
    `bench-streams: ${s.streams} streams × ${s.seconds}s, a token every ${s.intervalMs} ms, ` +
      `${s.clients} client process(es), opened over ${s.rampSeconds}s; open files: ${limit}`,
  );
  const upstream = await startUpstream(s);
  const rows: StreamRow[] = [];
  try {
    for (const mode of MODES) {
      console.error(`bench-streams: ${mode.name}`);
      rows.push(await withTarget(upstream, s, mode, (t) => measureMode(upstream, t, s, mode)));
    }
  } finally {
    await upstream.process.stop();
  }
  console.log(formatStreamTable(rows));
  console.log(
    `(open-file limit ${limit}; ${
      upstream.core ? "gateway on core 1, rest on core 0" : "no pinning"
    })`,
  );
  return rows;
}

if (import.meta.main) {
  const s = streamSettingsFromEnv();
  if (s.streams === 0) Deno.exit(0);
  const rows = await runSlowStreams(s);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  await Deno.mkdir(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}/${stamp}-streams.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({ date: new Date().toISOString(), settings: s, rows }, null, 2) + "\n",
  );
  console.log(`saved ${path.slice(ROOT.length)}`);
}
