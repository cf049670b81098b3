/** `plexus logs --summary`: requests, tokens and cost per model, provider or key. */

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
  durationMs: number;
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function groupOf(fields: Record<string, unknown>, by: GroupBy): string {
  const value = by === "model" ? fields.model ?? fields.model_requested : fields[by];
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
    row.durationMs += num(fields.duration_ms);
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
    durationMs: 0,
  };
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
    durationMs: t.durationMs + r.durationMs,
  }), emptyRow("TOTAL"));
  const header = [
    summary.by,
    "requests",
    "errors",
    "input",
    "output",
    "cache_read",
    "cache_write",
    "cost_usd",
    "avg_ms",
  ];
  const cells = [...rows, total].map((r) => [
    r.group,
    String(r.requests),
    String(r.errors),
    String(r.inputTokens),
    String(r.outputTokens),
    String(r.cacheReadTokens),
    String(r.cacheWriteTokens),
    costText(r),
    r.requests === 0 ? "0" : String(Math.round(r.durationMs / r.requests)),
  ]);
  const table = [header, ...cells];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) =>
    row.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  ")
      .trimEnd()
  ).join("\n");
}
