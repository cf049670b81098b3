/**
 * Loading `plexus.yaml`: read, parse with positions, expand `${VAR}`, validate, cross-check, and
 * build the `Config`. Every problem is reported, not just the first.
 */
import { configHash } from "./hash.ts";
import { buildConfig, unsetAt, unsetProblems } from "./build.ts";
import { cloudProblems } from "./cloud_build.ts";
import { type Env, processEnv } from "./env.ts";
import { formatKeyPath, type KeyPath, type Problem } from "./errors.ts";
import { describeIssues, type IssueProblem } from "./issues.ts";
import { checkReferences } from "./references.ts";
import { fileSchema } from "./schema.ts";
import { parseSource } from "./source.ts";
import type { Config } from "./types.ts";

export type LoadResult = { ok: true; config: Config } | { ok: false; problems: Problem[] };

export async function loadConfig(path: string, env: Env = processEnv()): Promise<LoadResult> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "file not found"
      : error instanceof Error
      ? error.message
      : String(error);
    return {
      ok: false,
      problems: [{
        file: path,
        line: 0,
        col: 0,
        path: "(file)",
        message: `cannot read config: ${reason}`,
      }],
    };
  }
  const result = parseConfigText(text, path, env);
  if (result.ok) result.config.sourceHash = await configHash(text);
  return result;
}

export function parseConfigText(text: string, path: string, env: Env = {}): LoadResult {
  const parsed = parseSource(text, env);
  if (!parsed.ok) {
    return {
      ok: false,
      problems: parsed.problems.map((problem) => ({ file: path, path: "(yaml)", ...problem })),
    };
  }
  const { data, unset, locate } = parsed.source;
  const validation = fileSchema.safeParse(data);
  const envProblems = unsetProblems(unset);
  const samePath = (a: KeyPath, b: KeyPath) =>
    a.length === b.length && a.every((segment, index) => segment === b[index]);
  // A value whose variable is unset is reported once, as the unset variable.
  const schemaProblems = validation.success ? [] : describeIssues(validation.error.issues, data)
    .filter((problem) =>
      !envProblems.some((envProblem) => samePath(envProblem.path, problem.path))
    );
  const found: IssueProblem[] = [
    ...schemaProblems,
    ...envProblems,
    ...checkReferences(data, unset),
    ...(validation.success ? cloudProblems(validation.data, (at) => unsetAt(unset, at), path) : []),
  ];
  if (found.length > 0 || !validation.success) {
    const problems = found.map((problem) => ({
      file: path,
      ...locate(problem.path, problem.at),
      path: formatKeyPath(problem.path),
      message: problem.message,
    }));
    problems.sort((a, b) => a.line - b.line || a.col - b.col);
    return { ok: false, problems };
  }
  return { ok: true, config: buildConfig(validation.data, unset, path, env) };
}
