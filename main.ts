/** The `plexus` command: `deno run -A main.ts <command>` (see `plexus --help`). */
import { runCli } from "./src/cli/run.ts";
import { processEnv } from "./src/config/env.ts";

if (import.meta.main) {
  const env = Object.fromEntries(
    Object.entries(processEnv()).filter((entry): entry is [string, string] =>
      entry[1] !== undefined
    ),
  );
  if (Deno.args[0] === "logs") {
    // Loaded on demand, like serve: reading logs needs neither the server nor the codecs.
    const { runLogs } = await import("./src/cli/logs.ts");
    Deno.exit(await runLogs(Deno.args.slice(1), env));
  }
  Deno.exit(await runCli(Deno.args, env));
}
