/**
 * `plexus health`: asks a running Plexus for `GET /health` and exits 0 when it answers
 * `{"status":"ok"}`, 1 otherwise. The Docker image's HEALTHCHECK runs it (the image has no curl).
 */
import { parseCommandArgs } from "./args.ts";

export const HEALTH_OPTIONS = {
  url: { type: "string" },
  "timeout-ms": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const HEALTH_HELP = `Usage:
  plexus health [--url URL] [--timeout-ms N]

Ask a running Plexus whether it is healthy: exit 0 when GET /health answers {"status":"ok"},
1 otherwise (no answer, an error status, a timeout).

Options:
  --url URL          the health URL (default: http://127.0.0.1:4000/health)
  --timeout-ms N     how long to wait (default: 3000)
  -h, --help         show this help
`;

export async function runHealth(args: string[]): Promise<number> {
  const flags = parseCommandArgs("health", HEALTH_OPTIONS, args);
  if (flags.help) {
    console.log(HEALTH_HELP);
    return 0;
  }
  const url = flags.url ?? "http://127.0.0.1:4000/health";
  const timeoutMs = Number(flags["timeout-ms"] ?? 3000);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.json().catch(() => undefined);
    if (response.ok && body?.status === "ok") {
      console.log(`ok: ${url} (plexus ${body.version ?? "?"})`);
      return 0;
    }
    console.error(`unhealthy: ${url} answered ${response.status}`);
  } catch (error) {
    console.error(`unhealthy: ${url}: ${error instanceof Error ? error.message : error}`);
  }
  return 1;
}
