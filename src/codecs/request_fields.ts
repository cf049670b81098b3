/**
 * Validators for optional scalar request fields, shared by the request decoders: absent or
 * `null` reads as undefined, a value of the wrong type is a 400 naming the field.
 */
import { isFiniteNumber, isString } from "./json_guards.ts";
import { invalidRequest } from "./unified.ts";

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidRequest(`${path}: expected a boolean`, path);
  return value;
}

export function optionalNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isFiniteNumber(value)) throw invalidRequest(`${path}: expected a number`, path);
  return value;
}

/** Token limits: a whole number of at least 1. */
export function optionalPositiveInteger(value: unknown, path: string): number | undefined {
  const number = optionalNumber(value, path);
  if (number !== undefined && (!Number.isInteger(number) || number < 1)) {
    throw invalidRequest(`${path}: expected a positive integer`, path);
  }
  return number;
}

export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isString(value)) throw invalidRequest(`${path}: expected a string`, path);
  return value;
}
