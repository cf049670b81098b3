/**
 * The YAML side of loading: parse with positions, expand environment references in place, and
 * map a key path back to a line and column.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
} from "yaml";
import { type Env, expandEnv, hasReference } from "./env.ts";
import type { KeyPath } from "./errors.ts";

export interface Position {
  line: number;
  col: number;
}

export interface SyntaxProblem extends Position {
  message: string;
}

/** A value that referenced unset variables; it keeps its original text (`${VAR}`). */
export interface UnsetReference {
  path: KeyPath;
  variables: string[];
}

export interface ConfigSource {
  /** The document as plain data, environment already expanded. */
  data: unknown;
  unset: UnsetReference[];
  /** Where a key path is in the text; `at: "key"` prefers the key over its value. */
  locate(path: KeyPath, at?: "key" | "value"): Position;
}

export type ParsedSource = { ok: true; source: ConfigSource } | {
  ok: false;
  problems: SyntaxProblem[];
};

/*
 * In a flow mapping (`{ api_key: ${KEY} }`) YAML reads the braces of `${KEY}` as syntax. The
 * braces of each reference are swapped for look-alike characters before parsing (same length,
 * so every line and column stays true) and swapped back in each scalar.
 */
const OPEN = "\u2983";
const CLOSE = "\u2984";
const RAW_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*(?::-[^}\n]*)?)\}/g;
const PROTECTED_REFERENCE = new RegExp(`\\$${OPEN}([^${CLOSE}\\n]*)${CLOSE}`, "g");

function protectReferences(text: string): string {
  return text.replace(RAW_REFERENCE, (_, inner: string) => `$${OPEN}${inner}${CLOSE}`);
}

function restoreReferences(text: string): string {
  return text.replace(PROTECTED_REFERENCE, (_, inner: string) => `\${${inner}}`);
}

export function parseSource(text: string, env: Env): ParsedSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(protectReferences(text), { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({
        ...lineCounter.linePos(error.pos[0]),
        message: `YAML syntax error: ${firstLine(error.message)}`,
      })),
    };
  }
  const unset = expandScalars(document, document.contents, [], env);
  const position = (offset: number): Position => lineCounter.linePos(offset);
  return {
    ok: true,
    source: {
      data: document.toJS({ maxAliasCount: 1000 }),
      unset,
      locate: (path, at = "value") => locateIn(document, path, at, position),
    },
  };
}

function firstLine(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

/** A plain (unquoted) scalar keeps YAML's typing after expansion, so `port: ${PORT:-4000}` is a number. */
function retype(text: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

function expandScalars(
  document: Document,
  node: unknown,
  path: KeyPath,
  env: Env,
): UnsetReference[] {
  if (isMap(node)) {
    return node.items.flatMap((pair) =>
      expandScalars(document, pair.value, [...path, keyText(pair.key)], env)
    );
  }
  if (isSeq(node)) {
    return node.items.flatMap((item, index) =>
      expandScalars(document, item, [...path, index], env)
    );
  }
  if (!isScalar(node) || typeof node.value !== "string") return [];
  const original = restoreReferences(node.value);
  if (!hasReference(original)) return [];
  const { value, missing } = expandEnv(original, env);
  if (missing.length > 0) {
    node.value = original;
    return [{ path, variables: missing }];
  }
  node.value = node.type === "PLAIN" ? retype(value) : value;
  return [];
}

function keyText(key: unknown): string {
  return restoreReferences(isScalar(key) ? String(key.value) : String(key));
}

function locateIn(
  document: Document,
  path: KeyPath,
  at: "key" | "value",
  position: (offset: number) => Position,
): Position {
  let node: unknown = document.contents;
  let keyNode: unknown = undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(document);
    let next: unknown = undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (pair !== undefined) {
        keyNode = pair.key;
        // An empty value (`port:`) has no node of its own: point at its key.
        next = pair.value ?? pair.key;
      }
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
      keyNode = next;
    }
    if (next === undefined) {
      // The key is missing: point at its parent's key, where it should have been written.
      return offsetOf(keyNode ?? node, position);
    }
    node = next;
  }
  return offsetOf(at === "key" ? keyNode ?? node : node, position);
}

function offsetOf(node: unknown, position: (offset: number) => Position): Position {
  if (typeof node === "object" && node !== null && "range" in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return position(range[0]);
  }
  return { line: 1, col: 1 };
}
