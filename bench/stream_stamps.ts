/**
 * Pure helpers of the "many slow streams" scenario: the send-time stamp each upstream token
 * carries, finding stamps in what a client reads (a read may end in the middle of one), and a
 * fixed-size delay histogram that client processes can merge.
 */

/** A token's text is `T@<epoch ms with 3 decimals>; `: plain ASCII, unchanged by JSON encoding. */
export const STAMP_PREFIX = "T@";
const STAMP_END = ";";

/** The send time as a token's text, e.g. `T@1733333333333.123; `. */
export function stampText(sendMs: number): string {
  return `${STAMP_PREFIX}${sendMs.toFixed(3)}${STAMP_END} `;
}

export interface StampScan {
  /** Send times (epoch ms) of the stamps completed in `carry + text`. */
  stamps: number[];
  /** The tail to prepend to the next read: an unfinished stamp, or the last few characters. */
  carry: string;
}

/** Characters kept between reads when no stamp is open, so a marker split by a read is found. */
const TAIL_KEPT = 16;

/** Finds the complete stamps in `carry + text`; malformed stamps are skipped, not thrown. */
export function scanStamps(carry: string, text: string): StampScan {
  const all = carry + text;
  const stamps: number[] = [];
  let position = 0;
  for (;;) {
    const start = all.indexOf(STAMP_PREFIX, position);
    if (start < 0) break;
    const end = all.indexOf(STAMP_END, start);
    if (end < 0) return { stamps, carry: all.slice(start) };
    const value = Number(all.slice(start + STAMP_PREFIX.length, end));
    if (Number.isFinite(value) && end > start + STAMP_PREFIX.length) stamps.push(value);
    position = end + 1;
  }
  return { stamps, carry: all.slice(Math.max(position, all.length - TAIL_KEPT)) };
}

/** Delay histogram: 10 µs buckets up to 2 s; anything later lands in the last bucket. */
export const BUCKET_MS = 0.01;
export const BUCKETS = 200_001;

export function newHistogram(): Uint32Array {
  return new Uint32Array(BUCKETS);
}

export function recordDelay(histogram: Uint32Array, delayMs: number): void {
  const bucket = Math.min(BUCKETS - 1, Math.max(0, Math.floor(delayMs / BUCKET_MS)));
  histogram[bucket]++;
}

/** A histogram as `[bucket, count]` pairs of its non-empty buckets (compact JSON). */
export function sparse(histogram: Uint32Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < histogram.length; i++) if (histogram[i] > 0) out.push([i, histogram[i]]);
  return out;
}

/** Adds `[bucket, count]` pairs into a histogram. */
export function mergeSparse(into: Uint32Array, pairs: ReadonlyArray<[number, number]>): void {
  for (const [bucket, count] of pairs) {
    if (bucket >= 0 && bucket < into.length) into[bucket] += count;
  }
}

/**
 * Nearest-rank percentile (p in 0..100) of a histogram, in ms at the upper edge of the bucket;
 * undefined when empty.
 */
export function histogramPercentile(histogram: Uint32Array, p: number): number | undefined {
  let total = 0;
  for (const count of histogram) total += count;
  if (total === 0) return undefined;
  const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= rank) return (i + 1) * BUCKET_MS;
  }
  return undefined;
}

/** The phase (ms after its start) of stream number `index`, spread evenly over the interval. */
export function streamPhaseMs(index: number, intervalMs: number): number {
  // The golden ratio's fractional part walks the interval without clustering, whatever N is.
  return ((index * 0.6180339887498949) % 1) * intervalMs;
}
