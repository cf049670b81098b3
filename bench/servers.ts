/** The servers a benchmark runs: the fake upstream, the gateway and the bare proxy, each up and pinned. */
import { freePort, start, type Started, waitUntilUp } from "./processes.ts";
import { gatewayConfig } from "./scenarios.ts";

const ROOT = new URL("../", import.meta.url).pathname;

export interface Server {
  process: Started;
  port: number;
  url: string;
}

/** `deno run -A <args>` serving on `port`; resolves once `upPath` answers. */
async function startDenoServer(
  port: number,
  args: string[],
  upPath: string,
  options: { core?: number; cwd?: string },
): Promise<Server> {
  const process = start(Deno.execPath(), ["run", "-A", ...args], options);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(`${url}${upPath}`, process);
  } catch (error) {
    await process.stop();
    throw error;
  }
  return { process, port, url };
}

export function startFakeUpstream(core?: number): Promise<Server> {
  const port = freePort();
  return startDenoServer(port, [`${ROOT}bench/fake_upstream.ts`, String(port)], "/_stats", {
    core,
  });
}

export function startBareProxy(upstreamUrl: string, core?: number): Promise<Server> {
  const port = freePort();
  return startDenoServer(port, [`${ROOT}bench/bare_proxy.ts`, String(port), upstreamUrl], "/", {
    core,
  });
}

export interface GatewayOptions {
  upstreamPort: number;
  /** Holds the generated config and the gateway's data directory. */
  workDir: string;
  core?: number;
  denoFlags: string[];
  v8Flags: string[];
  /** `limits.max_connections` (default 1,024): the stream bench holds more clients open. */
  maxConnections?: number;
}

/** `main.ts serve` with the bench config (providers and aliases on the fake upstream). */
export async function startBenchGateway(options: GatewayOptions): Promise<Server> {
  const { upstreamPort, workDir, core, denoFlags, v8Flags } = options;
  const port = freePort();
  const configPath = `${workDir}/plexus-bench.yaml`;
  const config = JSON.parse(gatewayConfig(port, upstreamPort, `${workDir}/data`));
  if (options.maxConnections !== undefined) {
    config.limits = { max_connections: options.maxConnections };
  }
  await Deno.writeTextFile(configPath, JSON.stringify(config, null, 2));
  const v8 = v8Flags.length > 0 ? [`--v8-flags=${v8Flags.join(",")}`] : [];
  return startDenoServer(
    port,
    [...denoFlags, ...v8, `${ROOT}main.ts`, "serve", "--config", configPath],
    "/health",
    { core, cwd: workDir },
  );
}
