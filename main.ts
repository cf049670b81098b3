/** The `plexus` command: `deno run -A main.ts <command>` (see `plexus --help`). */
import { runCli } from "./src/cli/run.ts";
import { processEnv } from "./src/config/env.ts";

if (import.meta.main) {
  const env = Object.fromEntries(
    Object.entries(processEnv()).filter((entry): entry is [string, string] =>
      entry[1] !== undefined
    ),
  );
  Deno.exit(await runCli(Deno.args, env));
}
