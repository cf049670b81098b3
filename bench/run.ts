/**
 * `make bench`: starts the fake upstream and the gateway as their own processes (pinned to
 * separate cores when `taskset` exists), drives every scenario with a real load generator, and
 * prints one table; the run is saved as JSON under `bench/results/`. See bench/README.md.
 */
import { chooseLoadTool, type LoadTool, medianTtfbMs, runLoad, type TtfbTarget } from "./load.ts";
import {
  clockTicksPerSecond,
  cpuMicrosPerRequest,
  readCpuTicks,
  readMemory,
  resetPeakRss,
} from "./proc.ts";
import { hasCommand, pinSelf, type Started } from "./processes.ts";
import { type Server, startBenchGateway, startFakeUpstream } from "./servers.ts";
import { formatTable, type ScenarioResult, withBaseline } from "./report.ts";
import {
  allScenarios,
  baselineOf,
  CLIENT_KEY,
  modelFor,
  PATHS,
  requestBody,
  type Scenario,
  UPSTREAM_MODEL,
} from "./scenarios.ts";
import { runSoak, type SoakResult } from "./soak.ts";
import { profileSummary } from "./profile.ts";
import { STREAM_CHUNKS, WORDS } from "./canned.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const RESULTS_DIR = `${ROOT}bench/results`;

interface Settings {
  seconds: number;
  warmUpSeconds: number;
  connections: number;
  ttfbCount: number;
  /** Only these scenarios (exact names, `BENCH_ONLY` comma-separated), plus their baselines. */
  only?: string[];
  soakSeconds: number;
  soakAborts: number;
  profile: boolean;
  /** Extra V8 flags for the gateway (`BENCH_V8_FLAGS`), to try GC settings without editing src. */
  v8Flags?: string;
  /** Deno flags for the gateway's `deno run` (`BENCH_DENO_FLAGS`, space-separated). */
  denoFlags: string[];
}

function envNumber(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

function settingsFromEnv(): Settings {
  return {
    seconds: envNumber("BENCH_DURATION", 8),
    warmUpSeconds: envNumber("BENCH_WARMUP", 3),
    connections: envNumber("BENCH_CONNECTIONS", 32),
    ttfbCount: envNumber("BENCH_TTFB_REQUESTS", 200),
    only: Deno.env.get("BENCH_ONLY")?.split(",").map((name) => name.trim()).filter((n) => n),
    soakSeconds: envNumber("BENCH_SOAK", 0),
    soakAborts: envNumber("BENCH_SOAK_ABORTS", 10_000),
    profile: Deno.env.get("BENCH_PROFILE") === "1",
    v8Flags: Deno.env.get("BENCH_V8_FLAGS") || undefined,
    denoFlags: (Deno.env.get("BENCH_DENO_FLAGS") ?? "").split(" ").filter((flag) => flag !== ""),
  };
}

interface Cores {
  load?: number;
  upstream?: number;
  gateway?: number;
}

interface Harness {
  upstream: Started;
  upstreamUrl: string;
  gateway: Started;
  gatewayUrl: string;
  tool: LoadTool;
  cores: Cores;
  ticksPerSecond: number;
}

async function upstreamStats(harness: Harness, action: "_stats" | "_reset") {
  const response = await fetch(`${harness.upstreamUrl}/${action}`);
  const stats: unknown = await response.json();
  const connections = (stats as { connections?: unknown }).connections;
  return { connections: typeof connections === "number" ? connections : undefined };
}

/** One request checked by eye before timing: a wrong answer must not be measured as a fast one. */
async function preflight(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  const lastWord = WORDS[STREAM_CHUNKS - 1].trim();
  if (!response.ok || !text.includes(lastWord)) {
    throw new Error(`${url} answered ${response.status} without the canned text: ${text}`);
  }
}

async function measure(harness: Harness, scenario: Scenario, s: Settings) {
  const base = scenario.direct ? harness.upstreamUrl : harness.gatewayUrl;
  const url = `${base}${PATHS[scenario.apiIn]}`;
  const body = requestBody(scenario.apiIn, modelFor(scenario), scenario.stream);
  const authorization = scenario.direct ? undefined : `Bearer ${CLIENT_KEY}`;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "anthropic-version": "2023-06-01",
    ...(authorization === undefined ? {} : { authorization }),
  };
  const measured = scenario.direct ? harness.upstream : harness.gateway;
  await preflight(url, body, headers);

  const peakReset = resetPeakRss(measured.pid);
  const load = {
    url,
    body,
    authorization,
    connections: s.connections,
    core: harness.cores.load,
  };
  if (s.warmUpSeconds > 0) await runLoad(harness.tool, { ...load, seconds: s.warmUpSeconds });
  // Counted over the timed run only: the warm-up's wrk has its own connections.
  await upstreamStats(harness, "_reset");
  const ticksBefore = readCpuTicks(measured.pid);
  const summary = await runLoad(harness.tool, { ...load, seconds: s.seconds });
  const ticksAfter = readCpuTicks(measured.pid);
  const memory = readMemory(measured.pid);
  const { connections } = await upstreamStats(harness, "_stats");
  // A gateway row's baseline is probed in turn with it: the direct row's own probe ran minutes
  // earlier, and this machine's noise moves medians by more than the gateway adds.
  const targets: TtfbTarget[] = [{ url, body, headers }];
  if (!scenario.direct) {
    targets.push({
      url: `${harness.upstreamUrl}${PATHS[scenario.apiOut]}`,
      body: requestBody(scenario.apiOut, UPSTREAM_MODEL, scenario.stream),
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    });
  }
  const [ttfbMs, pairedDirectTtfbMs] = s.ttfbCount > 0
    ? await medianTtfbMs(targets, s.ttfbCount)
    : [];

  const result: ScenarioResult = {
    name: scenario.name,
    direct: scenario.direct,
    requests: summary.requests,
    rps: summary.requests / (summary.durationUs / 1e6),
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    ttfbMs,
    pairedDirectTtfbMs,
    cpuUsPerRequest: cpuMicrosPerRequest(
      ticksBefore,
      ticksAfter,
      harness.ticksPerSecond,
      summary.requests,
    ),
    peakRssMb: memory.peakKb === undefined ? undefined : memory.peakKb / 1024,
    errors: summary.errors,
    upstreamConnections: connections,
  };
  return { result, peakReset };
}

async function machine() {
  let cpu = "unknown";
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    cpu = info.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpu;
  } catch {
    // Not Linux.
  }
  return {
    cpu,
    cores: navigator.hardwareConcurrency,
    memoryGb: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    deno: Deno.version.deno,
  };
}

async function startHarness(s: Settings, workDir: string): Promise<Harness> {
  const pinning = await hasCommand("taskset") && navigator.hardwareConcurrency >= 2;
  const cores: Cores = pinning ? { load: 0, upstream: 0, gateway: 1 } : {};
  if (pinning) await pinSelf(0);
  const tool = await chooseLoadTool();

  const upstream = await startFakeUpstream(cores.upstream);
  const v8Flags = [...(s.profile ? ["--prof"] : []), ...(s.v8Flags ? [s.v8Flags] : [])];
  let gateway: Server;
  try {
    gateway = await startBenchGateway({
      upstreamPort: upstream.port,
      workDir,
      core: cores.gateway,
      denoFlags: s.denoFlags,
      v8Flags,
    });
  } catch (error) {
    await upstream.process.stop();
    throw error;
  }
  return {
    upstream: upstream.process,
    upstreamUrl: upstream.url,
    gateway: gateway.process,
    gatewayUrl: gateway.url,
    tool,
    cores,
    ticksPerSecond: await clockTicksPerSecond(),
  };
}

function withBaselines(results: ScenarioResult[], scenarios: Scenario[]): ScenarioResult[] {
  return results.map((row, i) => {
    const baseline = baselineOf(scenarios[i], scenarios);
    const baseRow = baseline && results.find((r) => r.name === baseline.name);
    return baseRow === undefined || row.direct ? row : withBaseline(row, baseRow);
  });
}

async function main() {
  const s = settingsFromEnv();
  const workDir = await Deno.makeTempDir({ prefix: "plexus-bench-" });
  const harness = await startHarness(s, workDir);
  const all = allScenarios();
  const wanted = s.only === undefined || s.only.length === 0
    ? all
    : all.filter((sc) => s.only?.includes(sc.name));
  const scenarios = all.filter((sc) =>
    wanted.includes(sc) || wanted.some((g) => baselineOf(g, all)?.name === sc.name)
  );
  const pinned = harness.cores.gateway === undefined
    ? "no pinning"
    : "gateway on core 1, rest on core 0";
  console.error(
    `bench: ${scenarios.length} scenarios, ${s.connections} connections, ` +
      `${s.warmUpSeconds}s warm-up + ${s.seconds}s each, load by ${harness.tool}, ${pinned}`,
  );

  let soak: SoakResult | undefined;
  const measured: ScenarioResult[] = [];
  let peakResettable = true;
  try {
    for (const scenario of scenarios) {
      console.error(`bench: ${scenario.name}`);
      const { result, peakReset } = await measure(harness, scenario, s);
      peakResettable &&= peakReset;
      measured.push(result);
    }
    if (s.soakSeconds > 0) {
      soak = await runSoak({
        gatewayUrl: harness.gatewayUrl,
        gatewayPid: harness.gateway.pid,
        tool: harness.tool,
        seconds: s.soakSeconds,
        aborts: s.soakAborts,
        connections: s.connections,
        core: harness.cores.load,
      });
    }
  } finally {
    await harness.gateway.stop();
    await harness.upstream.stop();
  }

  const results = withBaselines(measured, scenarios);
  const table = formatTable(results);
  console.log(table);
  if (!peakResettable) {
    console.log("(peak RSS is the process's lifetime peak: /proc clear_refs refused)");
  }
  if (soak !== undefined) console.log(soakText(soak));

  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  await Deno.mkdir(RESULTS_DIR, { recursive: true });
  let profile: string | undefined;
  if (s.profile) {
    profile = await profileSummary(workDir);
    await Deno.writeTextFile(`${RESULTS_DIR}/${stamp}-profile.txt`, profile);
    console.log(
      `\nprofile (top of the bottom-up view):\n${profile.split("\n").slice(0, 60).join("\n")}`,
    );
  }
  const record = {
    date: new Date().toISOString(),
    machine: await machine(),
    settings: s,
    loadTool: harness.tool,
    pinning: harness.cores,
    scenarios: results,
    soak,
    table,
  };
  const path = `${RESULTS_DIR}/${stamp}.json`;
  await Deno.writeTextFile(path, JSON.stringify(record, null, 2) + "\n");
  console.log(`\nsaved ${path.slice(ROOT.length)} (load: ${harness.tool}; ${pinned})`);
  await Deno.remove(workDir, { recursive: true }).catch(() => {});
}

function soakText(soak: SoakResult): string {
  const growth = soak.rssGrowthPercent === undefined ? "-" : `${soak.rssGrowthPercent.toFixed(1)}%`;
  return `soak ${soak.seconds}s: ${soak.requests} requests (${soak.errors} errors), ` +
    `${soak.aborted} client-aborted streams; RSS ${soak.firstRssMb.toFixed(1)} → ` +
    `${soak.lastRssMb.toFixed(1)} MB (growth ${growth}), peak ${soak.peakRssMb.toFixed(1)} MB`;
}

if (import.meta.main) await main();
