/** What `plexus logs` selects: a time window and field filters over usage log lines. */
import { utcDay } from "./day_file.ts";

export interface LogQuery {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** Matches `model`, `model_requested` or `alias`. */
  model?: string;
  provider?: string;
  key?: string;
  /** `ok` (2xx), `4xx`, `5xx` or one exact status such as `429`. */
  status?: string;
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A time bound: a duration back from now (`90m`, `1h`, `7d`), a UTC day (`2026-11-01`) or an
 * ISO 8601 instant. A day as the upper bound means "to the end of that day".
 */
export function parseTimeBound(text: string, now: number, upper: boolean): number {
  const word = text.trim().toLowerCase();
  if (word === "today" || word === "yesterday") {
    // UTC days, like the log files.
    const today = Math.floor(now / UNIT_MS.d) * UNIT_MS.d;
    const start = word === "today" ? today : today - UNIT_MS.d;
    return upper ? start + UNIT_MS.d : start;
  }
  const relative = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (relative !== null) {
    const time = now - Number(relative[1]) * UNIT_MS[relative[2]];
    // Log lines start in 1970; further back is no time a date can hold.
    if (time < 0) throw new Error(`expected a duration that ends after 1970, found ${text}`);
    return time;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    if (!Number.isNaN(start)) return upper ? start + UNIT_MS.d : start;
  }
  const instant = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(instant)) return instant;
  throw new Error(
    `expected today, yesterday, a duration like 30m, 1h, 7d, a day like 2026-11-01 or an ISO time, found ${
      JSON.stringify(text)
    }`,
  );
}

const STATUS_FILTER = /^(ok|[1-5]xx|\d{3})$/;

export function isStatusFilter(text: string): boolean {
  return STATUS_FILTER.test(text);
}

function statusMatches(filter: string, status: number): boolean {
  if (filter === "ok") return status >= 200 && status < 300;
  if (filter.endsWith("xx")) return Math.floor(status / 100) === Number(filter[0]);
  return status === Number(filter);
}

/** The first and last UTC day files that can hold lines of the window. */
export function dayRange(query: LogQuery): { from?: string; to?: string } {
  return {
    from: query.since === undefined ? undefined : utcDay(query.since),
    // `until` is exclusive: a bound at midnight needs nothing from that day.
    to: query.until === undefined ? undefined : utcDay(query.until - 1),
  };
}

export function lineMatches(fields: Record<string, unknown>, query: LogQuery): boolean {
  if (query.since !== undefined || query.until !== undefined) {
    const time = typeof fields.time === "string" ? Date.parse(fields.time) : NaN;
    if (Number.isNaN(time)) return false;
    if (query.since !== undefined && time < query.since) return false;
    if (query.until !== undefined && time >= query.until) return false;
  }
  if (
    query.model !== undefined &&
    ![fields.model, fields.model_requested, fields.alias].includes(query.model)
  ) return false;
  if (query.provider !== undefined && fields.provider !== query.provider) return false;
  if (query.key !== undefined && fields.key !== query.key) return false;
  if (query.status !== undefined) {
    if (typeof fields.status !== "number" || !statusMatches(query.status, fields.status)) {
      return false;
    }
  }
  return true;
}
