/**
 * Turns zod's validation issues into messages a person can act on: what was expected, what was
 * found, and for typos the key that was probably meant.
 */
import type { z } from "zod";
import { describeFound, didYouMean, isSecretPath, type KeyPath } from "./errors.ts";
import { allowedKeysAt } from "./schema.ts";

export interface IssueProblem {
  path: KeyPath;
  /** Unknown keys are located at the key itself, everything else at the value. */
  at: "key" | "value";
  message: string;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
};

/** Reads the value at `path` in the parsed data, for "found ..." descriptions. */
export function valueAt(data: unknown, path: KeyPath): unknown {
  let current = data;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

export function describeIssues(issues: readonly z.core.$ZodIssue[], data: unknown): IssueProblem[] {
  return issues.flatMap((issue) => describeIssue(issue, data));
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): IssueProblem[] {
  const path: KeyPath = issue.path.map((segment) =>
    typeof segment === "number" ? segment : String(segment)
  );
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(path);
    return issue.keys.map((key) => ({
      path: [...path, key],
      at: "key",
      message: `unknown key ${JSON.stringify(key)}${didYouMean(key, allowed)}; expected one of: ${
        allowed.join(", ")
      }`,
    }));
  }
  const found = valueAt(data, path);
  const foundText = describeFound(found, isSecretPath(path));
  return [{ path, at: "value", message: `${expectation(issue, found)}, found ${foundText}` }];
}

function expectation(issue: z.core.$ZodIssue, found: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      if (found === undefined) {
        return `required key is missing: expected ${typeName(issue.expected)}`;
      }
      return `expected ${typeName(issue.expected)}`;
    case "invalid_value":
      return `expected one of: ${issue.values.map(String).join(", ")}`;
    case "too_small":
      return `expected ${bound(issue.origin, "at least", issue.minimum, issue.inclusive)}`;
    case "too_big":
      return `expected ${bound(issue.origin, "at most", issue.maximum, issue.inclusive)}`;
    case "invalid_format":
      return `expected ${issue.format}`;
    default:
      return issue.message;
  }
}

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function bound(
  origin: string,
  direction: "at least" | "at most",
  limit: number | bigint,
  inclusive: boolean | undefined,
): string {
  if (origin === "array") return `${direction} ${limit} item${Number(limit) === 1 ? "" : "s"}`;
  if (origin === "string") {
    return direction === "at least" && Number(limit) === 1
      ? "a non-empty string"
      : `a string of ${direction} ${limit} characters`;
  }
  if (inclusive === false) {
    return `a number ${direction === "at least" ? "greater" : "less"} than ${limit}`;
  }
  return `a number ${direction === "at least" ? ">=" : "<="} ${limit}`;
}
