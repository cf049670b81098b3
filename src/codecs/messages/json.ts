/** Small type guards for reading untrusted JSON without `any`. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isString(value: unknown): value is string {
  return typeof value === "string";
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** A field as a string, or undefined when absent or of another type. */
export function stringField(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  return typeof value === "string" ? value : undefined;
}

/** A field as a finite number, or 0 when absent or of another type (token counts). */
export function countField(obj: JsonObject | undefined, key: string): number {
  if (obj === undefined) return 0;
  const value = obj[key];
  return isFiniteNumber(value) ? value : 0;
}

/** Parse JSON text, returning undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
