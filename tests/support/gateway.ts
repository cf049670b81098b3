/** Starts a real Plexus server on a free port for end-to-end tests. */
import type { Config } from "../../src/config/types.ts";
import { type RunningServer, type ServerOptions, startServer } from "../../src/http/server.ts";
import type { RequestRecord } from "../../src/usage/record.ts";

export interface TestGateway {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  server: RunningServer;
  /** Every usage record the gateway produced, in completion order. */
  records: RequestRecord[];
  /** Resolves once `count` records exist (streams record when they end). */
  waitForRecords(count: number, timeoutMs?: number): Promise<RequestRecord[]>;
  close(): Promise<void>;
}

export async function startGateway(
  config: Config,
  options: ServerOptions = {},
): Promise<TestGateway> {
  const records: RequestRecord[] = [];
  const server = await startServer(config, {
    ...options,
    usage: {
      record(record) {
        records.push(structuredClone(record));
        options.usage?.record(record);
      },
    },
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    server,
    records,
    async waitForRecords(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (records.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} usage records, got ${records.length}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      return records;
    },
    async close() {
      await server.shutdown();
      // testConfig() gives each gateway its own temporary data directory.
      if (config.server.dataDir.includes("plexus-test-")) {
        await Deno.remove(config.server.dataDir, { recursive: true }).catch(() => {});
      }
    },
  };
}
