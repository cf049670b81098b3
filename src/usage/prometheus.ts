/**
 * Counters, gauges and histograms rendered in the Prometheus text exposition format
 * (prometheus.io/docs/instrumenting/exposition_formats, "Text-based format").
 */

export type Labels = Record<string, string>;

const NEEDS_ESCAPE = /[\\"\n]/;

/** Label values escape backslash, double quote and line feed. */
function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}

function numberText(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}

function header(name: string, help: string, type: string): string {
  return `# HELP ${name} ${
    help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")
  }\n# TYPE ${name} ${type}\n`;
}

/** Series keyed by their label set, in first-seen order. */
class Series<T> {
  readonly #items = new Map<string, { labels: Labels; value: T }>();

  /**
   * A metric always uses the same label names in the same order, so the values alone identify a
   * series: this runs on every request, rendering only on scrape.
   */
  get(labels: Labels, create: () => T): T {
    let key = "";
    for (const name in labels) key += labels[name] + "\u0000";
    let item = this.#items.get(key);
    if (item === undefined) {
      item = { labels, value: create() };
      this.#items.set(key, item);
    }
    return item.value;
  }

  entries(): Array<{ labels: Labels; value: T }> {
    return [...this.#items.values()];
  }
}

export class Counter {
  readonly #series = new Series<{ n: number }>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    this.#series.get(labels, () => ({ n: 0 })).n += by;
  }

  render(): string {
    let out = header(this.name, this.help, "counter");
    for (const { labels, value } of this.#series.entries()) {
      out += `${this.name}${labelText(labels)} ${numberText(value.n)}\n`;
    }
    return out;
  }
}

export class Gauge {
  readonly #series = new Series<{ n: number }>();
  constructor(readonly name: string, readonly help: string) {}

  set(labels: Labels, value: number): void {
    this.#series.get(labels, () => ({ n: 0 })).n = value;
  }

  add(labels: Labels, by: number): void {
    this.#series.get(labels, () => ({ n: 0 })).n += by;
  }

  render(): string {
    let out = header(this.name, this.help, "gauge");
    for (const { labels, value } of this.#series.entries()) {
      out += `${this.name}${labelText(labels)} ${numberText(value.n)}\n`;
    }
    return out;
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram {
  readonly #series = new Series<HistogramState>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const state = this.#series.get(labels, () => ({
      counts: this.buckets.map(() => 0),
      sum: 0,
      count: 0,
    }));
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]) state.counts[i]++;
    }
    state.sum += value;
    state.count++;
  }

  render(): string {
    let out = header(this.name, this.help, "histogram");
    for (const { labels, value } of this.#series.entries()) {
      this.buckets.forEach((bound, i) => {
        out += `${this.name}_bucket${labelText({ ...labels, le: numberText(bound) })} ${
          value.counts[i]
        }\n`;
      });
      out += `${this.name}_bucket${labelText({ ...labels, le: "+Inf" })} ${value.count}\n`;
      out += `${this.name}_sum${labelText(labels)} ${numberText(value.sum)}\n`;
      out += `${this.name}_count${labelText(labels)} ${value.count}\n`;
    }
    return out;
  }
}
