/** An independent reader of the Prometheus text exposition format, for tests. */
import assert from "node:assert/strict";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** An independent reader of the text exposition format: every line a comment or a sample. */
export function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  assert.ok(text.endsWith("\n"), "the exposition ends with a line feed");
  for (const line of text.trimEnd().split("\n")) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/
      .exec(line);
    if (type !== null) {
      types.set(type[1], type[2]);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line);
    assert.ok(sample !== null, `not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    const labelText = sample[2] ?? "";
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
    let consumed = 0;
    let match;
    while ((match = labelPattern.exec(labelText)) !== null) {
      labels[match[1]] = match[2];
      consumed = labelPattern.lastIndex;
    }
    assert.equal(consumed, labelText.length, `malformed labels: ${labelText}`);
    samples.push({ name: sample[1], labels, value: Number(sample[3].replace("+Inf", "Infinity")) });
  }
  return { samples, types };
}

export function sum(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}
