/**
 * Config problems are for people: where (file, line, column, key path) and what (expected, found).
 */

export type KeyPath = readonly (string | number)[];

export interface Problem {
  file: string;
  /** 1-based; 0 when the problem is about the file as a whole (for example it cannot be read). */
  line: number;
  col: number;
  path: string;
  message: string;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `providers.openai.models["gpt-4.1"].pricing`, `keys[0].secret`; "(root)" for the document. */
export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "(root)" : out;
}

/** One line per problem: `FILE:LINE:COL  path.to.key  message`. */
export function formatProblem(problem: Problem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.col}` : problem.file;
  return `${where}  ${problem.path}  ${problem.message}`;
}

/** Keys whose values must never appear in a message. */
const SECRET_KEYS = new Set([
  "api_key",
  "secret",
  "admin_key",
  "bearer_token",
  "credentials",
  "access_token",
]);

export function isSecretPath(path: KeyPath): boolean {
  return path.some((segment, index) =>
    (typeof segment === "string" && SECRET_KEYS.has(segment)) ||
    // Header values often carry credentials too.
    (segment === "headers" && index < path.length - 1)
  );
}

/** How a found value reads in a message; secrets are described by their type only. */
export function describeFound(value: unknown, secret: boolean): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) {
    return value.length === 0 ? "an empty list" : `a list of ${value.length} item(s)`;
  }
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    if (secret) return "a string (value not shown)";
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (secret) return `a ${typeof value} (value not shown)`;
  return typeof value === "number" ? `the number ${value}` : String(value);
}

/** Edit distance counting a swap of neighbours as one edit ("prot" is one edit from "port"). */
function editDistance(a: string, b: string): number {
  const rows = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/** The closest candidate when it is plausibly a typo of `word`, else undefined. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/** ` (did you mean "port"?)` or the empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? "" : ` (did you mean ${JSON.stringify(match)}?)`;
}
