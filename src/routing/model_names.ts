/**
 * Extra names an alias answers to (`models.<alias>.match` in plexus.yaml): exact names and glob
 * patterns (`*` any run of characters, `?` one character), so clients that hard-code model
 * names (Claude Code's `claude-sonnet-4-5-20250929`, its small model for side tasks) need no
 * change. Exact names are looked up in a Map; patterns are tried in the file's order, after
 * alias names, exact extra names and `provider/model`.
 */
import type { AliasConfig } from "../config/types.ts";

interface NameIndex {
  exact: Map<string, AliasConfig>;
  patterns: Array<{ pattern: string; alias: AliasConfig }>;
}

/** Longer names are never matched against patterns: bounded work for any client string. */
const MAX_PATTERN_SUBJECT = 256;

const indexes = new WeakMap<Record<string, AliasConfig>, NameIndex>();

function indexOf(models: Record<string, AliasConfig>): NameIndex {
  let index = indexes.get(models);
  if (index !== undefined) return index;
  index = { exact: new Map(), patterns: [] };
  for (const alias of Object.values(models)) {
    for (const name of alias.match ?? []) {
      if (isPattern(name)) index.patterns.push({ pattern: name, alias });
      else if (!index.exact.has(name)) index.exact.set(name, alias);
    }
  }
  indexes.set(models, index);
  return index;
}

export function isPattern(name: string): boolean {
  return name.includes("*") || name.includes("?");
}

/** The alias whose exact extra names include `requested`. */
export function aliasByExtraName(
  models: Record<string, AliasConfig>,
  requested: string,
): AliasConfig | undefined {
  return indexOf(models).exact.get(requested);
}

/** The first alias with a pattern that matches `requested`. */
export function aliasByPattern(
  models: Record<string, AliasConfig>,
  requested: string,
): AliasConfig | undefined {
  if (requested.length > MAX_PATTERN_SUBJECT) return undefined;
  return indexOf(models).patterns.find(({ pattern }) => globMatches(pattern, requested))?.alias;
}

/** Wildcard matching with one backtrack point: O(pattern * subject) at worst, no regex. */
export function globMatches(pattern: string, subject: string): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < subject.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === subject[s])) {
      p++;
      s++;
    } else if (p < pattern.length && pattern[p] === "*") {
      starP = p++;
      starS = s;
    } else if (starP !== -1) {
      p = starP + 1;
      s = ++starS;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}
