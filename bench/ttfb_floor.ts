/**
 * `make bench-ttfb`: time to first byte at concurrency 1 for the direct upstream, a bare Deno
 * proxy (`bare_proxy.ts`, the floor) and the gateway, probed in turn so all share the same moments
 * of the machine. Pinned like the main bench: upstream and probe on core 0, proxies on core 1.
 */
import { medianTtfbMs, type TtfbTarget } from "./load.ts";
import { hasCommand, pinSelf, type Started } from "./processes.ts";
import {
  ALIAS,
  type BenchApi,
  CLIENT_KEY,
  PATHS,
  requestBody,
  UPSTREAM_MODEL,
} from "./scenarios.ts";
import { startBareProxy, startBenchGateway, startFakeUpstream } from "./servers.ts";

const HEADERS = { "content-type": "application/json", "anthropic-version": "2023-06-01" };

function target(base: string, api: BenchApi, model: string, key?: string): TtfbTarget {
  return {
    url: base + PATHS[api],
    body: requestBody(api, model, true),
    headers: key === undefined ? HEADERS : { ...HEADERS, authorization: `Bearer ${key}` },
  };
}

if (import.meta.main) {
  const count = Number(Deno.env.get("BENCH_TTFB_REQUESTS") || 500);
  const pin = await hasCommand("taskset") && navigator.hardwareConcurrency >= 2;
  if (pin) await pinSelf(0);
  const workDir = await Deno.makeTempDir({ prefix: "plexus-ttfb-" });
  const started: Started[] = [];
  try {
    const upstream = await startFakeUpstream(pin ? 0 : undefined);
    started.push(upstream.process);
    const bare = await startBareProxy(upstream.url, pin ? 1 : undefined);
    started.push(bare.process);
    const v8 = Deno.env.get("BENCH_V8_FLAGS");
    const gateway = await startBenchGateway({
      upstreamPort: upstream.port,
      workDir,
      core: pin ? 1 : undefined,
      denoFlags: (Deno.env.get("BENCH_DENO_FLAGS") ?? "").split(" ").filter((f) => f !== ""),
      v8Flags: v8 ? [v8] : [],
    });
    started.push(gateway.process);
    const [upstreamUrl, bareUrl, gatewayUrl] = [upstream.url, bare.url, gateway.url];

    const rows: Array<[string, TtfbTarget]> = [
      ["direct chat stream", target(upstreamUrl, "chat", UPSTREAM_MODEL)],
      ["bare proxy chat stream", target(bareUrl, "chat", UPSTREAM_MODEL)],
      ["gateway chat→chat stream", target(gatewayUrl, "chat", ALIAS.chat, CLIENT_KEY)],
      ["gateway messages→chat stream", target(gatewayUrl, "messages", ALIAS.chat, CLIENT_KEY)],
    ];
    const medians = await medianTtfbMs(rows.map(([, t]) => t), count);
    const direct = medians[0] ?? NaN;
    console.log(`| probe | ttfb ms | +ttfb ms |\n|---|--:|--:|`);
    rows.forEach(([name], i) => {
      const median = medians[i] ?? NaN;
      const added = i === 0 ? "-" : `+${(median - direct).toFixed(3)}`;
      console.log(`| ${name} | ${median.toFixed(3)} | ${added} |`);
    });
    console.log(
      `\n${count} requests each, in turn${
        pin ? "; proxies on core 1, the rest on core 0" : ", unpinned"
      }`,
    );
  } finally {
    for (const process of started.reverse()) await process.stop();
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}
