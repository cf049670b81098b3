/**
 * `${VAR}` and `${VAR:-default}` expansion. Like the shell's `:-`, an empty variable counts as
 * unset. `$${` writes a literal `${`.
 */

export type Env = Record<string, string | undefined>;

export interface Expansion {
  value: string;
  /** Variables referenced without a default that are unset or empty. */
  missing: string[];
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function expandEnv(text: string, env: Env): Expansion {
  const missing: string[] = [];
  const value = text.replace(
    REFERENCE,
    (match: string, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return match.slice(1);
      const found = env[name];
      if (found !== undefined && found !== "") return found;
      if (fallback !== undefined) return fallback;
      missing.push(name);
      return "";
    },
  );
  return { value, missing };
}

/** True when the text references at least one variable (so it is worth expanding). */
export function hasReference(text: string): boolean {
  return text.includes("${");
}

/** The process environment, or an empty one when env access is not permitted. */
export function processEnv(): Env {
  try {
    return Deno.env.toObject();
  } catch {
    return {};
  }
}
