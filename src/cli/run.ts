/** Dispatches `plexus <command>`; returns the process exit code (0 ok, 1 failure, 2 usage error). */
import { commandOf, UsageError } from "./args.ts";
import { runCheckConfig } from "./check_config.ts";
import { commandHelp, MAIN_HELP } from "./help.ts";
import { versionLine } from "./version.ts";

export async function runCli(args: string[], env: Record<string, string>): Promise<number> {
  try {
    return await dispatch(args, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`plexus: ${error.message}; ${error.hint}`);
    return 2;
  }
}

async function dispatch(args: string[], env: Record<string, string>): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined) {
    console.error(MAIN_HELP);
    return 2;
  }
  if (first === "--help" || first === "-h") {
    console.log(MAIN_HELP);
    return 0;
  }
  if (first === "--version" || first === "-V") {
    console.log(versionLine());
    return 0;
  }
  if (first === "help") {
    const command = rest[0] === undefined ? undefined : commandOf(rest[0]);
    if (command === "logs") return await runLogsCommand(["--help"], env);
    if (command === "health") return await runHealthCommand(["--help"]);
    console.log(command === undefined ? MAIN_HELP : commandHelp(command));
    return 0;
  }
  if (first.startsWith("-")) {
    throw new UsageError(`unknown option ${first}`, "see plexus --help");
  }
  const command = commandOf(first);
  if (command === "check-config") return await runCheckConfig(rest, env);
  if (command === "logs") return await runLogsCommand(rest, env);
  if (command === "health") return await runHealthCommand(rest);
  // Loaded on demand: check-config must work without the server and its dependencies.
  const { runServe } = await import("./serve.ts");
  return await runServe(rest, env);
}

async function runHealthCommand(args: string[]): Promise<number> {
  const { runHealth } = await import("./health.ts");
  return await runHealth(args);
}

/** Loaded on demand: reading logs needs neither the server nor the codecs. */
async function runLogsCommand(args: string[], env: Record<string, string>): Promise<number> {
  const { runLogs } = await import("./logs.ts");
  return await runLogs(args, env);
}
