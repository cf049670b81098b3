/**
 * Names of tools that reach a provider as plain functions although the client declared them
 * otherwise (a Responses `namespace` groups functions under a shared name; a `custom` tool takes
 * free-form text). The provider sees one flat function name; the client's codec maps calls back
 * with `clientToolsByName`, so the client sees its own namespace and names.
 */
import type { ClientToolShape, UnifiedTool } from "./unified.ts";

/**
 * Function names every target accepts: OpenAI and Gemini allow 64 characters of
 * `[a-zA-Z0-9_-]` (Gemini also `.:`), Anthropic 128. The strictest rule wins.
 */
const MAX_NAME_LENGTH = 64;

/** The parameters of a free-form (`custom`) tool as a function: one string, `input`. */
export function customToolParameters(description?: string): Record<string, unknown> {
  return {
    type: "object",
    properties: {
      input: {
        type: "string",
        description: description ?? "The tool's whole input as free-form text.",
      },
    },
    required: ["input"],
  };
}

/** The one function name a provider sees for `name` inside `namespace` (deterministic). */
export function flatToolName(namespace: string | undefined, name: string): string {
  const joined = namespace === undefined || namespace === ""
    ? name
    : /[_.:-]$/.test(namespace)
    ? namespace + name
    : `${namespace}__${name}`;
  const safe = joined.replace(/[^a-zA-Z0-9_-]/g, "_");
  if (safe.length <= MAX_NAME_LENGTH) return safe;
  // Too long: a readable head and a hash of the whole, so two long names never meet.
  const hash = fnv1a(joined);
  return `${safe.slice(0, MAX_NAME_LENGTH - hash.length - 1)}_${hash}`;
}

/** Flat function name -> the client's shape, for tools that were not plain functions. */
export function clientToolsByName(
  tools: readonly UnifiedTool[] | undefined,
): Map<string, ClientToolShape> {
  const byName = new Map<string, ClientToolShape>();
  for (const tool of tools ?? []) {
    if (tool.client !== undefined && !byName.has(tool.name)) byName.set(tool.name, tool.client);
  }
  return byName;
}

/** The text a custom tool's call carries: the `input` argument, else the raw arguments. */
export function customToolInput(argumentsText: string): string {
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      const input = (parsed as Record<string, unknown>).input;
      if (typeof input === "string") return input;
    }
  } catch {
    // A model that ignored the schema: its text is the input.
  }
  return argumentsText === "{}" ? "" : argumentsText;
}

/** 32-bit FNV-1a as 8 hex digits: short, deterministic, synchronous. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
