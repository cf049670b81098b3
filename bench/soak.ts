/**
 * `BENCH_SOAK=<seconds>`: translated streaming load for the whole period while other clients
 * open slow streams and leave after the first chunk; the gateway's RSS is sampled throughout.
 */
import { type LoadTool, runLoad } from "./load.ts";
import { readMemory } from "./proc.ts";
import { CLIENT_KEY, PATHS, requestBody, SLOW_ALIAS } from "./scenarios.ts";

export interface SoakOptions {
  gatewayUrl: string;
  gatewayPid: number;
  tool: LoadTool;
  seconds: number;
  /** Client-aborted streams to spread over the period. */
  aborts: number;
  connections: number;
  core?: number;
}

export interface SoakResult {
  seconds: number;
  requests: number;
  errors: number;
  aborted: number;
  abortFailures: number;
  /** RSS once warm (after a tenth of the period), at the end, and the highest sample. */
  firstRssMb: number;
  lastRssMb: number;
  peakRssMb: number;
  rssGrowthPercent?: number;
  samples: Array<{ atS: number; rssMb: number }>;
}

const ABORTING_CLIENTS = 4;

/** Growth from the first sample taken after `warmFraction` of the period to the last one. */
export function rssGrowth(
  samples: ReadonlyArray<{ atS: number; rssMb: number }>,
  seconds: number,
  warmFraction = 0.1,
): { first: number; last: number; percent?: number } {
  const warm = samples.find((sample) => sample.atS >= seconds * warmFraction) ?? samples[0];
  const last = samples[samples.length - 1];
  if (warm === undefined || last === undefined) return { first: 0, last: 0 };
  return {
    first: warm.rssMb,
    last: last.rssMb,
    percent: warm.rssMb > 0 ? (last.rssMb - warm.rssMb) / warm.rssMb * 100 : undefined,
  };
}

async function abortOneStream(url: string, body: string): Promise<boolean> {
  const controller = new AbortController();
  try {
    const response = await fetch(url, {
      method: "POST",
      signal: controller.signal,
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${CLIENT_KEY}`,
        "anthropic-version": "2023-06-01",
      },
      body,
    });
    const first = await response.body?.getReader().read();
    controller.abort();
    return response.ok && first !== undefined && !first.done;
  } catch {
    controller.abort();
    return false;
  }
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  console.error(`bench: soak for ${o.seconds}s with ${o.aborts} client-aborted streams`);
  const startedAt = performance.now();
  const elapsedS = () => (performance.now() - startedAt) / 1000;
  const endAt = startedAt + o.seconds * 1000;

  const load = runLoad(o.tool, {
    url: `${o.gatewayUrl}${PATHS.messages}`,
    body: requestBody("messages", "to-chat", true),
    authorization: `Bearer ${CLIENT_KEY}`,
    connections: o.connections,
    seconds: o.seconds,
    core: o.core,
  });

  let aborted = 0;
  let abortFailures = 0;
  const abortUrl = `${o.gatewayUrl}${PATHS.messages}`;
  const abortBody = requestBody("messages", SLOW_ALIAS.chat, true);
  const aborter = async () => {
    while (performance.now() < endAt && aborted + abortFailures < o.aborts) {
      // Spread the aborts evenly over the period instead of front-loading them.
      const due = Math.ceil(o.aborts * elapsedS() / o.seconds);
      if (aborted + abortFailures >= due) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      if (await abortOneStream(abortUrl, abortBody)) aborted++;
      else abortFailures++;
    }
  };
  const aborters = Array.from({ length: ABORTING_CLIENTS }, aborter);

  const samples: SoakResult["samples"] = [];
  let peakRssMb = 0;
  const every = Math.max(1, o.seconds / 60) * 1000;
  while (performance.now() < endAt) {
    await new Promise((r) =>
      setTimeout(r, Math.min(every, Math.max(0, endAt - performance.now())))
    );
    const rssMb = (readMemory(o.gatewayPid).rssKb ?? 0) / 1024;
    peakRssMb = Math.max(peakRssMb, rssMb);
    samples.push({ atS: Math.round(elapsedS()), rssMb });
  }
  const summary = await load;
  await Promise.all(aborters);
  const growth = rssGrowth(samples, o.seconds);
  return {
    seconds: o.seconds,
    requests: summary.requests,
    errors: summary.errors,
    aborted,
    abortFailures,
    firstRssMb: growth.first,
    lastRssMb: growth.last,
    peakRssMb,
    rssGrowthPercent: growth.percent,
    samples,
  };
}
