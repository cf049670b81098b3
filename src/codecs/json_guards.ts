/** Small type guards and field readers for untrusted JSON, shared by every codec (no `any`). */

export type JsonObject = Record<string, unknown>;

/** A plain JSON object: not null and not an array. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isString(value: unknown): value is string {
  return typeof value === "string";
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

/** A string field, or `undefined` when absent or of another type. */
export function stringField(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  return isString(value) ? value : undefined;
}

/** A finite number field, or `undefined` when absent or of another type. */
export function numberField(obj: JsonObject, key: string): number | undefined {
  const value = obj[key];
  return isFiniteNumber(value) ? value : undefined;
}

/** An object field, or `undefined` when absent, null or of another type. */
export function objectField(obj: JsonObject, key: string): JsonObject | undefined {
  const value = obj[key];
  return isObject(value) ? value : undefined;
}

/** An array field, or `undefined` when absent or of another type. */
export function arrayField(obj: JsonObject, key: string): unknown[] | undefined {
  const value = obj[key];
  return Array.isArray(value) ? value : undefined;
}

/** Parses JSON text; `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
