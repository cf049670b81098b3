/** The table `make bench-streams` prints: one row per mode (direct baseline, pass-through, translated). */

export interface StreamRow {
  name: string;
  /** True: the measured process is the fake provider (clients talk to it directly). */
  direct: boolean;
  streams: number;
  completed: number;
  tokens: number;
  idleRssMb: number;
  peakRssMb: number;
  /** (peak RSS − idle RSS) ÷ streams. */
  kbPerStream?: number;
  /** From a token's upstream send time to its receipt by the client. */
  delayP50Ms?: number;
  delayP99Ms?: number;
  delayMaxMs?: number;
  /** p99 over all tokens, those sent while streams were still being opened included. */
  delayP99AllMs?: number;
  cpuUsPerToken?: number;
  /** The measured process's CPU over the run, in % of one core. */
  cpuPercent: number;
  /** The load side's CPU over the run, in % of one core: near 100, it, not the gateway, is the limit. */
  upstreamCpuPercent: number;
  clientCpuPercent: number[];
  errors: Record<string, number>;
}

const COLUMNS = [
  "mode",
  "completed",
  "tokens",
  "idle RSS MB",
  "peak RSS MB",
  "KB/stream",
  "delay p50 ms",
  "delay p99 ms",
  "delay max ms",
  "p99 incl. ramp",
  "cpu µs/token",
  "cpu %",
  "load cpu %",
  "errors",
] as const;

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(digits);
}

/** `0`, or the error kinds and counts, e.g. `closed-early 3, timeout 1`. */
export function errorText(errors: Record<string, number>): string {
  const parts = Object.entries(errors).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return parts.length === 0 ? "0" : parts.join(", ");
}

export function streamRowCells(row: StreamRow): string[] {
  return [
    row.name,
    `${row.completed}/${row.streams}`,
    String(row.tokens),
    fixed(row.idleRssMb, 1),
    fixed(row.peakRssMb, 1),
    fixed(row.kbPerStream, 1),
    fixed(row.delayP50Ms, 2),
    fixed(row.delayP99Ms, 2),
    fixed(row.delayMaxMs, 1),
    fixed(row.delayP99AllMs, 2),
    fixed(row.cpuUsPerToken, 1),
    fixed(row.cpuPercent, 0),
    [row.upstreamCpuPercent, ...row.clientCpuPercent].map((p) => fixed(p, 0)).join("+"),
    errorText(row.errors),
  ];
}

/** A Markdown table: names left-aligned, numbers right-aligned. Measured process: see `direct`. */
export function formatStreamTable(rows: readonly StreamRow[]): string {
  const body = rows.map(streamRowCells);
  const widths = COLUMNS.map((title, i) =>
    Math.max([...title].length, ...body.map((cells) => [...cells[i]].length))
  );
  const pad = (cell: string, i: number) => {
    const gap = " ".repeat(widths[i] - [...cell].length);
    return i === 0 ? cell + gap : gap + cell;
  };
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(" | ")} |`;
  const rule = `|${
    widths.map((w, i) => i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`).join("|")
  }|`;
  return [line(COLUMNS), rule, ...body.map(line)].join("\n");
}
