/** `plexus check-config`: validate a config file, print a summary or every problem. */
import { formatProblem } from "../config/errors.ts";
import { loadConfig } from "../config/load.ts";
import { CHECK_CONFIG_OPTIONS, configPathFrom, parseCommandArgs } from "./args.ts";
import { commandHelp } from "./help.ts";
import { summarize, summaryText } from "./summary.ts";

/** Exit code: 0 valid, 1 invalid (or, with --strict, warnings). */
export async function runCheckConfig(args: string[], env: Record<string, string>): Promise<number> {
  const flags = parseCommandArgs("check-config", CHECK_CONFIG_OPTIONS, args);
  if (flags.help) {
    console.log(commandHelp("check-config"));
    return 0;
  }
  const path = configPathFrom(flags.config, env.PLEXUS_CONFIG);
  const result = await loadConfig(path, env);
  const strict = flags.strict === true;
  if (flags.json) {
    const output = result.ok
      ? { ok: true, problems: [], summary: snakeCaseKeys(summarize(result.config)) }
      : { ok: false, problems: result.problems, summary: null };
    console.log(JSON.stringify(output, null, 2));
    if (!result.ok) return 1;
    return strict && result.config.warnings.length > 0 ? 1 : 0;
  }
  if (!result.ok) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    const count = result.problems.length;
    console.error(`${count} problem${count === 1 ? "" : "s"} in ${path}`);
    return 1;
  }
  console.log(summaryText(summarize(result.config)));
  const warnings = result.config.warnings;
  for (const warning of warnings) console.error(`warning: ${warning}`);
  if (strict && warnings.length > 0) {
    const count = warnings.length;
    console.error(
      `${count} warning${count === 1 ? "" : "s"} in ${path} (--strict makes them fail)`,
    );
    return 1;
  }
  return 0;
}

/** The summary in the YAML's spelling: `dataDir` -> `data_dir`, `baseUrl` -> `base_url`. */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map((
      [key, inner],
    ) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeCaseKeys(inner)]),
  );
}
