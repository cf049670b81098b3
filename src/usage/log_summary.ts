/**
 * `plexus logs --summary`: requests, error rate, tokens, cost and latency percentiles per
 * `provider/model` (two providers serving the same model stay apart), provider or key.
 */

export type GroupBy = "model" | "provider" | "key";

export interface SummaryRow {
  group: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Sum over priced requests. */
  costUsd: number;
  /** Requests with usage but no known cost (unpriced model). */
  unpriced: number;
  /** Every request's duration_ms, for the percentiles. */
  durations: number[];
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function groupOf(fields: Record<string, unknown>, by: GroupBy): string {
  if (by === "model") {
    const { provider, model, model_requested: requested } = fields;
    if (typeof provider === "string" && provider !== "" && typeof model === "string") {
      return `${provider}/${model}`;
    }
    return typeof requested === "string" && requested !== "" ? requested : "(none)";
  }
  const value = fields[by];
  return typeof value === "string" && value !== "" ? value : "(none)";
}

export class UsageSummary {
  readonly #rows = new Map<string, SummaryRow>();
  constructor(readonly by: GroupBy) {}

  add(fields: Record<string, unknown>): void {
    const group = groupOf(fields, this.by);
    let row = this.#rows.get(group);
    if (row === undefined) {
      row = emptyRow(group);
      this.#rows.set(group, row);
    }
    row.requests++;
    if (num(fields.status) >= 400) row.errors++;
    row.inputTokens += num(fields.input_tokens);
    row.outputTokens += num(fields.output_tokens);
    row.cacheReadTokens += num(fields.cache_read_tokens);
    row.cacheWriteTokens += num(fields.cache_write_tokens);
    if (typeof fields.duration_ms === "number") row.durations.push(fields.duration_ms);
    if (typeof fields.cost_usd === "number") row.costUsd += fields.cost_usd;
    else if (fields.usage_source === "provider" || fields.usage_source === "estimated") {
      row.unpriced++;
    }
  }

  /** Rows by cost, then requests, descending. */
  rows(): SummaryRow[] {
    return [...this.#rows.values()].sort((a, b) =>
      b.costUsd - a.costUsd || b.requests - a.requests || a.group.localeCompare(b.group)
    );
  }
}

function costText(row: SummaryRow): string {
  const text = `$${row.costUsd.toFixed(4)}`;
  return row.unpriced > 0 ? `${text} (+${row.unpriced} unpriced)` : text;
}

function emptyRow(group: string): SummaryRow {
  return {
    group,
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    unpriced: 0,
    durations: [],
  };
}

/** Nearest-rank percentile of sorted values; "-" when there are none. */
function percentileText(sorted: number[], p: number): string {
  if (sorted.length === 0) return "-";
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return String(Math.round(sorted[rank - 1]));
}

function errorRateText(row: SummaryRow): string {
  return row.requests === 0 ? "-" : `${((100 * row.errors) / row.requests).toFixed(1)}%`;
}

/** A plain-text table with a total row; numbers right-aligned. */
export function summaryTable(summary: UsageSummary): string {
  const rows = summary.rows();
  const total: SummaryRow = rows.reduce((t, r) => ({
    group: "TOTAL",
    requests: t.requests + r.requests,
    errors: t.errors + r.errors,
    inputTokens: t.inputTokens + r.inputTokens,
    outputTokens: t.outputTokens + r.outputTokens,
    cacheReadTokens: t.cacheReadTokens + r.cacheReadTokens,
    cacheWriteTokens: t.cacheWriteTokens + r.cacheWriteTokens,
    costUsd: t.costUsd + r.costUsd,
    unpriced: t.unpriced + r.unpriced,
    durations: t.durations.concat(r.durations),
  }), emptyRow("TOTAL"));
  const header = [
    summary.by,
    "requests",
    "errors",
    "error_rate",
    "input",
    "output",
    "cache_read",
    "cache_write",
    "cost_usd",
    "p50_ms",
    "p95_ms",
    "p99_ms",
  ];
  const cells = [...rows, total].map((r) => {
    const sorted = r.durations.toSorted((a, b) => a - b);
    return [
      r.group,
      String(r.requests),
      String(r.errors),
      errorRateText(r),
      String(r.inputTokens),
      String(r.outputTokens),
      String(r.cacheReadTokens),
      String(r.cacheWriteTokens),
      costText(r),
      percentileText(sorted, 50),
      percentileText(sorted, 95),
      percentileText(sorted, 99),
    ];
  });
  const table = [header, ...cells];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) =>
    row.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  ")
      .trimEnd()
  ).join("\n");
}
