/** `plexus check-config`: validate a config file, print a summary or every problem. */
import { formatProblem } from "../config/errors.ts";
import { loadConfig } from "../config/load.ts";
import { CHECK_CONFIG_OPTIONS, configPathFrom, parseCommandArgs } from "./args.ts";
import { commandHelp } from "./help.ts";
import { summarize, summaryText } from "./summary.ts";

/** Exit code: 0 valid, 1 invalid. */
export async function runCheckConfig(args: string[], env: Record<string, string>): Promise<number> {
  const flags = parseCommandArgs("check-config", CHECK_CONFIG_OPTIONS, args);
  if (flags.help) {
    console.log(commandHelp("check-config"));
    return 0;
  }
  const path = configPathFrom(flags.config, env.PLEXUS_CONFIG);
  const result = await loadConfig(path, env);
  if (flags.json) {
    const output = result.ok
      ? { ok: true, problems: [], summary: summarize(result.config) }
      : { ok: false, problems: result.problems, summary: null };
    console.log(JSON.stringify(output, null, 2));
    return result.ok ? 0 : 1;
  }
  if (!result.ok) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    const count = result.problems.length;
    console.error(`${count} problem${count === 1 ? "" : "s"} in ${path}`);
    return 1;
  }
  console.log(summaryText(summarize(result.config)));
  for (const warning of result.config.warnings) console.error(`warning: ${warning}`);
  return 0;
}
