/** An embedding vector read off an upstream answer: a non-empty list of finite numbers. */
export function readVector(value: unknown): number[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  for (const number of value) {
    if (typeof number !== "number" || !Number.isFinite(number)) return undefined;
  }
  return value as number[];
}
