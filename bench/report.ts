/** Pure helpers that turn measurements into the numbers and the table the bench prints. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; undefined for no samples. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** What the wrk script's `done()` prints after `BENCH_JSON `. */
export interface WrkSummary {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  errors: number;
}

function numberField(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== "number") throw new Error(`wrk summary lacks numeric "${key}"`);
  return value;
}

/** Finds and reads the `BENCH_JSON {...}` line in wrk's output. */
export function parseWrkSummary(output: string): WrkSummary {
  const line = output.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (line === undefined) throw new Error("wrk printed no BENCH_JSON summary");
  const parsed: unknown = JSON.parse(line.slice("BENCH_JSON ".length));
  if (typeof parsed !== "object" || parsed === null) {
    throw new Error("wrk summary is not an object");
  }
  const record = parsed as Record<string, unknown>;
  const errors = record.errors;
  if (typeof errors !== "object" || errors === null) throw new Error("wrk summary lacks errors");
  const errorCounts = errors as Record<string, unknown>;
  return {
    requests: numberField(record, "requests"),
    durationUs: numberField(record, "duration_us"),
    p50Us: numberField(record, "p50_us"),
    p99Us: numberField(record, "p99_us"),
    maxUs: numberField(record, "max_us"),
    errors: ["connect", "read", "write", "timeout", "status"]
      .reduce((sum, key) => sum + numberField(errorCounts, key), 0),
  };
}

/** One row of the table: a scenario's measurements, and its baseline's where it has one. */
export interface ScenarioResult {
  name: string;
  /** "direct" rows measure the fake upstream alone; the others go through the gateway. */
  direct: boolean;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  addedP50Ms?: number;
  addedP99Ms?: number;
  ttfbMs?: number;
  /** The direct baseline's ttfb, probed in turn with this row's (gateway rows). */
  pairedDirectTtfbMs?: number;
  addedTtfbMs?: number;
  cpuUsPerRequest?: number;
  peakRssMb?: number;
  errors: number;
  upstreamConnections?: number;
}

/** Fills the "added" columns of a gateway row from the direct row it is compared with. */
export function withBaseline(row: ScenarioResult, baseline: ScenarioResult): ScenarioResult {
  const directTtfbMs = row.pairedDirectTtfbMs ?? baseline.ttfbMs;
  return {
    ...row,
    addedP50Ms: row.p50Ms - baseline.p50Ms,
    addedP99Ms: row.p99Ms - baseline.p99Ms,
    addedTtfbMs: row.ttfbMs === undefined || directTtfbMs === undefined
      ? undefined
      : row.ttfbMs - directTtfbMs,
  };
}

export const COLUMNS = [
  "scenario",
  "req/s",
  "p50 ms",
  "p99 ms",
  "+p50 ms",
  "+p99 ms",
  "ttfb ms",
  "+ttfb ms",
  "cpu µs/req",
  "peak RSS MB",
  "errors",
  "upstream conns",
] as const;

function fixed(value: number | undefined, digits: number, signed = false): string {
  if (value === undefined || !Number.isFinite(value)) return "-";
  const text = value.toFixed(digits);
  return signed && value >= 0 ? `+${text}` : text;
}

export function rowCells(row: ScenarioResult): string[] {
  return [
    row.name,
    fixed(row.rps, 0),
    fixed(row.p50Ms, 2),
    fixed(row.p99Ms, 2),
    fixed(row.addedP50Ms, 2, true),
    fixed(row.addedP99Ms, 2, true),
    fixed(row.ttfbMs, 3),
    fixed(row.addedTtfbMs, 3, true),
    fixed(row.cpuUsPerRequest, 0),
    fixed(row.peakRssMb, 1),
    String(row.errors),
    row.upstreamConnections === undefined ? "-" : String(row.upstreamConnections),
  ];
}

/** A Markdown table (readable as plain text too): names left-aligned, numbers right-aligned. */
export function formatTable(rows: readonly ScenarioResult[]): string {
  const body = rows.map(rowCells);
  const header: string[] = [...COLUMNS];
  const widths = header.map((title, i) =>
    Math.max([...title].length, ...body.map((cells) => [...cells[i]].length))
  );
  const pad = (cell: string, i: number) => {
    const gap = " ".repeat(widths[i] - [...cell].length);
    return i === 0 ? cell + gap : gap + cell;
  };
  const line = (cells: string[]) => `| ${cells.map(pad).join(" | ")} |`;
  const rule = `|${
    widths.map((w, i) => i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`).join("|")
  }|`;
  return [line(header), rule, ...body.map(line)].join("\n");
}
