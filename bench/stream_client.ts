/**
 * One client process of `make bench-streams`: opens `streams` streamed Anthropic Messages requests
 * over raw TCP (one connection each, opened evenly over `rampMs`), reads each SSE answer to its
 * `message_stop`, and records for every token how long after its upstream send time (the stamp in
 * its text) it arrived. Prints one JSON line: counts, errors and the delay histogram.
 *
 *   deno run -A bench/stream_client.ts <json options>   (see ClientOptions)
 *
 * Raw TCP because `fetch` holds far more memory and CPU per stream than 10,000 streams afford.
 */
import process from "node:process";
import { newHistogram, recordDelay, scanStamps, sparse } from "./stream_stamps.ts";

export interface ClientOptions {
  port: number;
  path: string;
  body: string;
  authorization?: string;
  streams: number;
  rampMs: number;
  /** Tokens each complete answer carries; fewer counts as an error. */
  expectedTokens: number;
  /** Delays count as steady state from this long after the ramp. */
  steadyAfterMs: number;
  /** A stream not finished by then is an error. */
  timeoutMs: number;
}

export interface ClientResult {
  opened: number;
  completed: number;
  tokens: number;
  errors: Record<string, number>;
  /** Delays of tokens received once every stream of this client was open (the steady state). */
  histogram: Array<[number, number]>;
  /** Delays of all tokens, the ramp included (opening streams costs the gateway CPU too). */
  histogramAll: Array<[number, number]>;
  /** This client process's CPU time (user + system) and wall time over the run. */
  cpuMs: number;
  wallMs: number;
}

const decoder = new TextDecoder();
const READ_BUFFER_BYTES = 4096;

function requestBytes(o: ClientOptions): Uint8Array {
  const head = [
    `POST ${o.path} HTTP/1.1`,
    "host: 127.0.0.1",
    "content-type: application/json",
    "anthropic-version: 2023-06-01",
    ...(o.authorization === undefined ? [] : [`authorization: ${o.authorization}`]),
    `content-length: ${new TextEncoder().encode(o.body).length}`,
    "",
    "",
  ].join("\r\n");
  return new TextEncoder().encode(head + o.body);
}

type Outcome = "completed" | "status" | "closed-early" | "short" | "timeout" | "connect";

interface Tally {
  tokens: number;
  opened: number;
  /** Epoch ms from which a delay counts as steady state: the ramp's end plus one interval. */
  steadyFromMs: number;
  steady: Uint32Array;
  all: Uint32Array;
}

async function oneStream(o: ClientOptions, request: Uint8Array, counted: Tally): Promise<Outcome> {
  let conn: Deno.Conn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port: o.port });
  } catch {
    return "connect";
  }
  counted.opened++;
  const timer = setTimeout(() => conn.close(), o.timeoutMs);
  const buffer = new Uint8Array(READ_BUFFER_BYTES);
  let carry = "";
  let tokens = 0;
  let head = true;
  try {
    let written = 0;
    while (written < request.length) written += await conn.write(request.subarray(written));
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) return "closed-early";
      const receivedMs = performance.timeOrigin + performance.now();
      const text = decoder.decode(buffer.subarray(0, n));
      if (head) {
        if (!text.startsWith("HTTP/1.1 200")) return "status";
        head = false;
      }
      const scan = scanStamps(carry, text);
      for (const sentMs of scan.stamps) {
        recordDelay(counted.all, receivedMs - sentMs);
        if (receivedMs >= counted.steadyFromMs) recordDelay(counted.steady, receivedMs - sentMs);
      }
      tokens += scan.stamps.length;
      counted.tokens += scan.stamps.length;
      // The marker may straddle two reads.
      if (text.includes("message_stop") || (carry + text.slice(0, 12)).includes("message_stop")) {
        return tokens >= o.expectedTokens ? "completed" : "short";
      }
      carry = scan.carry;
    }
  } catch {
    return "closed-early";
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // Closed by the timer.
    }
  }
}

export async function runClient(o: ClientOptions): Promise<ClientResult> {
  const request = requestBytes(o);
  const startedAt = performance.now();
  const counted: Tally = {
    tokens: 0,
    opened: 0,
    steadyFromMs: performance.timeOrigin + startedAt + o.rampMs + o.steadyAfterMs,
    steady: newHistogram(),
    all: newHistogram(),
  };
  const errors: Record<string, number> = {};
  let completed = 0;
  const running: Promise<void>[] = [];
  for (let i = 0; i < o.streams; i++) {
    // Open evenly over the ramp: a burst of 10,000 SYNs overflows the listen backlog.
    const dueMs = startedAt + (o.rampMs * i) / o.streams;
    const waitMs = dueMs - performance.now();
    if (waitMs > 1) await new Promise((r) => setTimeout(r, waitMs));
    running.push(
      oneStream(o, request, counted).then((outcome) => {
        if (outcome === "completed") completed++;
        else errors[outcome] = (errors[outcome] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(running);
  return {
    opened: counted.opened,
    completed,
    tokens: counted.tokens,
    errors,
    histogram: sparse(counted.steady),
    histogramAll: sparse(counted.all),
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    wallMs: performance.now() - startedAt,
  };
}

if (import.meta.main) {
  const options = JSON.parse(Deno.args[0]) as ClientOptions;
  console.log(JSON.stringify(await runClient(options)));
}
