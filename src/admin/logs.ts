/**
 * `GET /v0/logs` (docs/admin.md, "GET /v0/logs"): the newest usage log lines that match the same
 * filters as `plexus logs`, newest last. Day files are read newest first and reading stops once
 * `limit` lines are found, so a small query stays cheap however long the history is.
 */
import { usageLogDir } from "../usage/day_file.ts";
import {
  dayRange,
  isStatusFilter,
  lineMatches,
  type LogQuery,
  parseTimeBound,
} from "../usage/log_query.ts";
import { dayFilesBetween, readUsageLines } from "../usage/log_reader.ts";

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface LogsRequest {
  query: LogQuery;
  limit: number;
}

/** Parses the query string; throws an Error whose message is safe to show the caller. */
export function logsRequestOf(params: URLSearchParams, now: number): LogsRequest {
  const text = (name: string): string | undefined => {
    const value = params.get(name);
    return value === null || value === "" ? undefined : value;
  };
  const since = text("since");
  const until = text("until");
  const status = text("status");
  if (status !== undefined && !isStatusFilter(status)) {
    throw new Error(
      `status expects ok, 4xx, 5xx or a status such as 429, found ${JSON.stringify(status)}`,
    );
  }
  const limitText = text("limit");
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new Error(
      `limit expects a whole number from 1 to ${MAX_LIMIT}, found ${JSON.stringify(limitText)}`,
    );
  }
  const bound = (name: string, value: string | undefined, upper: boolean) => {
    if (value === undefined) return undefined;
    try {
      return parseTimeBound(value, now, upper);
    } catch (error) {
      throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return {
    query: {
      since: bound("since", since, false),
      until: bound("until", until, true),
      model: text("model"),
      provider: text("provider"),
      key: text("key"),
      status,
    },
    limit,
  };
}

/** The last `limit` matching lines of one file, in file order. */
async function lastMatches(path: string, query: LogQuery, limit: number): Promise<unknown[]> {
  const kept: unknown[] = [];
  for await (const line of readUsageLines([path])) {
    if (!lineMatches(line.fields, query)) continue;
    kept.push(line.fields);
    if (kept.length > limit) kept.shift();
  }
  return kept;
}

export async function newestLogLines(dataDir: string, request: LogsRequest): Promise<unknown[]> {
  const range = dayRange(request.query);
  const files = await dayFilesBetween(usageLogDir(dataDir), range.from, range.to);
  let lines: unknown[] = [];
  for (const path of files.reverse()) {
    const older = await lastMatches(path, request.query, request.limit - lines.length);
    lines = [...older, ...lines];
    if (lines.length >= request.limit) break;
  }
  return lines;
}
