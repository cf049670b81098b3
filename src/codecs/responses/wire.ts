/**
 * Small helpers for reading OpenAI Responses JSON without trusting its shape
 * (OpenAI API reference, "Responses").
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringField(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  return typeof value === "string" ? value : undefined;
}

export function numberField(obj: JsonObject, key: string): number | undefined {
  const value = obj[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function objectField(obj: JsonObject, key: string): JsonObject | undefined {
  const value = obj[key];
  return isObject(value) ? value : undefined;
}

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

/** Ids Plexus invents where the Responses API wants one (`resp_…`, `msg_…`, `fc_…`, `rs_…`). */
export function mintedId(prefix: string, requestId: string, n: number): string {
  return `${prefix}_${requestId.replace(/[^a-zA-Z0-9_-]/g, "")}_${n}`;
}
