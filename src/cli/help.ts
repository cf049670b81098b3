/** The text of `--help` for plexus and each command. */
import type { CommandName } from "./args.ts";
import { VERSION } from "./version.ts";

export const MAIN_HELP =
  `plexus ${VERSION}: one endpoint for OpenAI, Anthropic, Gemini and local models

Usage:
  plexus <command> [options]

Commands:
  serve          start the gateway
  check-config   validate a config file and print a summary
  logs           print usage log lines (JSONL, for jq) or a summary table
  health         ask a running Plexus whether it is healthy (exit 0 or 1)

Options:
  -h, --help     show this help (or "plexus <command> --help")
  --version      print the version

The config file is --config FILE, else $PLEXUS_CONFIG, else config/plexus.yaml.
`;

const SERVE_HELP = `Usage:
  plexus serve [--config FILE] [--host H] [--port N] [--allow-no-auth]

Start the gateway. Flags override the config file.

Options:
  -c, --config FILE   config file (default: $PLEXUS_CONFIG, else config/plexus.yaml)
  --host H            address to listen on (default: server.host, 127.0.0.1)
  -p, --port N        port to listen on, 0 for any free port (default: server.port, 4000)
  --allow-no-auth     let every client in without a key (logged as a warning on each start)
  -h, --help          show this help

When no client key is configured (or every key's variable is unset) and --allow-no-auth is
not given, a key is generated on first start, kept in {data_dir}/generated-key (mode 0600),
reused on later starts, and printed in the start-up line.
Stops cleanly on SIGINT or SIGTERM; SIGHUP reloads the config file.
`;

const CHECK_CONFIG_HELP = `Usage:
  plexus check-config [--config FILE] [--json] [--strict]

Validate a config file. A valid file prints a summary (providers, aliases and their targets,
key names) and exits 0; an invalid one lists every problem, one per line as
  FILE:LINE:COL  path.to.key  message
and exits 1.

Options:
  -c, --config FILE   config file (default: $PLEXUS_CONFIG, else config/plexus.yaml)
  --json              print {ok, problems, summary} as JSON on stdout (snake_case keys)
  --strict            fail (exit 1) on warnings too, e.g. an alias with no enabled target
  -h, --help          show this help
`;

/** `logs` keeps its own help beside its flags (src/cli/logs.ts). */
export function commandHelp(command: Exclude<CommandName, "logs" | "health">): string {
  return command === "serve" ? SERVE_HELP : CHECK_CONFIG_HELP;
}
