/**
 * `plexus logs`: prints usage log lines as JSONL (unchanged, so `| jq` works) or, with
 * `--summary`, a table of requests, tokens and cost. Reads files line by line.
 */
import { formatProblem } from "../config/errors.ts";
import { loadConfig } from "../config/load.ts";
import { usageLogDir } from "../usage/day_file.ts";
import {
  dayRange,
  isStatusFilter,
  lineMatches,
  type LogQuery,
  parseTimeBound,
} from "../usage/log_query.ts";
import { dayFilesBetween, type ReadCounts, readUsageLines } from "../usage/log_reader.ts";
import { type GroupBy, summaryTable, UsageSummary } from "../usage/log_summary.ts";
import { configPathFrom, parseCommandArgs, UsageError } from "./args.ts";

export const LOGS_HELP = `Usage:
  plexus logs [--config FILE | --data-dir DIR] [--since today|yesterday|1h|7d|2026-11-01]
              [--until ...] [--model M] [--provider P]
              [--key K] [--status ok|4xx|5xx|429] [--summary [--by model|provider|key]]

Print usage log lines ({data_dir}/logs/usage/YYYY-MM-DD.jsonl) as JSONL on stdout, oldest
first, or with --summary a table per provider/model (or --by provider/key): requests, error
rate, tokens, cost and p50/p95/p99 latency.

Options:
  -c, --config FILE   config file, for data_dir (default: $PLEXUS_CONFIG, else config/plexus.yaml)
  --data-dir DIR      read DIR/logs/usage directly (no config needed)
  --since T           from T: today, yesterday (UTC days), a duration back from now (30m, 1h,
                      7d), a UTC day or an ISO time
  --until T           before T (a UTC day means to the end of that day)
  --model M           model, requested model or alias equal to M
  --provider P        provider equal to P
  --key K             client key name equal to K
  --status S          ok (2xx), 4xx, 5xx or an exact status such as 429
  --summary           print a summary table instead of lines
  --by G              group the summary by model (default; as provider/model), provider or key
  -h, --help          show this help

Lines a crash left half-written are skipped (counted on stderr).
`;

const LOGS_OPTIONS = {
  config: { type: "string", short: "c" },
  "data-dir": { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  model: { type: "string" },
  provider: { type: "string" },
  key: { type: "string" },
  status: { type: "string" },
  summary: { type: "boolean" },
  by: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const GROUPS: readonly GroupBy[] = ["model", "provider", "key"];

function isGroupBy(text: string): text is GroupBy {
  return (GROUPS as readonly string[]).includes(text);
}

export interface LogsIo {
  /** Receives output text; lines end with "\n". */
  write(text: string): Promise<void>;
  error(text: string): void;
  now(): number;
}

const encoder = new TextEncoder();

const STD_IO: LogsIo = {
  async write(text) {
    const bytes = encoder.encode(text);
    let written = 0;
    while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
  },
  error: (text) => console.error(text),
  now: () => Date.now(),
};

/** Lines are written in batches of about this many characters. */
const BATCH_CHARS = 64 * 1024;

/** Exit code: 0 ok, 1 config or file problem, 2 bad arguments. */
export async function runLogs(
  args: string[],
  env: Record<string, string>,
  io: LogsIo = STD_IO,
): Promise<number> {
  let flags;
  let query: LogQuery;
  try {
    // The same parser and messages as every other command.
    flags = parseCommandArgs("logs", LOGS_OPTIONS, args);
    query = queryOf(flags, io.now());
  } catch (error) {
    if (error instanceof UsageError) {
      io.error(`plexus: ${error.message}; ${error.hint}`);
      return 2;
    }
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    io.error(`plexus: ${message}; see plexus logs --help`);
    return 2;
  }
  if (flags.help) {
    await io.write(LOGS_HELP);
    return 0;
  }
  const by = flags.by ?? "model";
  if (!isGroupBy(by)) {
    io.error(
      `plexus: --by expects model, provider or key, found ${
        JSON.stringify(by)
      }; see plexus logs --help`,
    );
    return 2;
  }

  if (flags["data-dir"] !== undefined && flags.config !== undefined) {
    io.error("plexus: --data-dir and --config exclude each other; see plexus logs --help");
    return 2;
  }
  const dataDir = flags["data-dir"] ?? await configuredDataDir(flags.config, env, io);
  if (dataDir === undefined) return 1;
  const range = dayRange(query);
  const files = await dayFilesBetween(usageLogDir(dataDir), range.from, range.to);
  const counts: ReadCounts = { skipped: 0 };
  const summary = flags.summary ? new UsageSummary(by) : undefined;
  let batch = "";
  for await (const line of readUsageLines(files, counts)) {
    if (!lineMatches(line.fields, query)) continue;
    if (summary !== undefined) {
      summary.add(line.fields);
      continue;
    }
    batch += line.text + "\n";
    if (batch.length >= BATCH_CHARS) {
      await io.write(batch);
      batch = "";
    }
  }
  if (batch !== "") await io.write(batch);
  if (summary !== undefined) await io.write(summaryTable(summary) + "\n");
  if (counts.skipped > 0) {
    io.error(`plexus: skipped ${counts.skipped} unreadable line(s) (cut by a crash?)`);
  }
  return 0;
}

/** The config's data_dir; undefined (problems printed) when the config is invalid. */
async function configuredDataDir(
  configFlag: string | undefined,
  env: Record<string, string>,
  io: LogsIo,
): Promise<string | undefined> {
  const loaded = await loadConfig(configPathFrom(configFlag, env.PLEXUS_CONFIG), env);
  if (loaded.ok) return loaded.config.server.dataDir;
  for (const problem of loaded.problems) io.error(formatProblem(problem));
  return undefined;
}

function queryOf(
  flags: {
    since?: string;
    until?: string;
    model?: string;
    provider?: string;
    key?: string;
    status?: string;
  },
  now: number,
): LogQuery {
  if (flags.status !== undefined && !isStatusFilter(flags.status)) {
    throw new Error(
      `--status expects ok, 4xx, 5xx or a status such as 429, found ${
        JSON.stringify(flags.status)
      }`,
    );
  }
  return {
    since: flags.since === undefined ? undefined : parseTimeBound(flags.since, now, false),
    until: flags.until === undefined ? undefined : parseTimeBound(flags.until, now, true),
    model: flags.model,
    provider: flags.provider,
    key: flags.key,
    status: flags.status,
  };
}
