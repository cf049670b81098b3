/**
 * Command-line parsing with `node:util` `parseArgs` in strict mode, turning its errors into
 * short messages with a hint (exit code 2).
 */
import { parseArgs } from "node:util";
import { didYouMean } from "../config/errors.ts";

export const COMMANDS = ["serve", "check-config", "logs", "health"] as const;
export type CommandName = typeof COMMANDS[number];

export const DEFAULT_CONFIG_PATH = "config/plexus.yaml";

/** A mistake in how plexus was called: printed with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
    this.name = "UsageError";
  }
}

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

export const SERVE_OPTIONS = {
  config: { type: "string", short: "c" },
  host: { type: "string" },
  port: { type: "string", short: "p" },
  "allow-no-auth": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

export const CHECK_CONFIG_OPTIONS = {
  config: { type: "string", short: "c" },
  json: { type: "boolean" },
  strict: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

function isCommand(word: string): word is CommandName {
  return (COMMANDS as readonly string[]).includes(word);
}

export function commandOf(word: string): CommandName {
  if (isCommand(word)) return word;
  throw new UsageError(
    `unknown command ${JSON.stringify(word)}${didYouMean(word, COMMANDS)}`,
    "see plexus --help",
  );
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/** Parses one command's flags; any mistake becomes a `UsageError` naming the command's help. */
export function parseCommandArgs<T extends OptionSpec>(
  command: CommandName,
  options: T,
  args: string[],
) {
  const hint = `see plexus ${command} --help`;
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = errorCode(error);
    const quoted = /'([^']+)'/.exec(message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && quoted !== undefined) {
      const known = Object.keys(options).map((name) => `--${name}`);
      throw new UsageError(`unknown option ${quoted}${didYouMean(quoted, known)}`, hint);
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && quoted !== undefined) {
      throw new UsageError(`unexpected argument ${JSON.stringify(quoted)}`, hint);
    }
    const firstLine = message.split("\n")[0];
    throw new UsageError(firstLine.charAt(0).toLowerCase() + firstLine.slice(1), hint);
  }
}

/** `--config`, else `PLEXUS_CONFIG`, else `config/plexus.yaml`. */
export function configPathFrom(flag: string | undefined, env: string | undefined): string {
  if (flag !== undefined && flag !== "") return flag;
  if (env !== undefined && env !== "") return env;
  return DEFAULT_CONFIG_PATH;
}

export function parsePort(text: string, command: CommandName): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(
      `--port expects an integer from 0 to 65535, found ${JSON.stringify(text)}`,
      `see plexus ${command} --help`,
    );
  }
  return port;
}
