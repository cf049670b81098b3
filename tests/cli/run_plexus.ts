/** Runs `main.ts` as a real subprocess with a controlled environment (no real API keys leak in). */
import { fileURLToPath } from "node:url";

export const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
export const REPO = fileURLToPath(new URL("../../", import.meta.url));

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
}

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** Only what Deno needs to find its cache, plus what the test passes in. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export function plexusCommand(args: string[], options: RunOptions = {}): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...args],
    cwd: options.cwd ?? REPO,
    env: { ...baseEnv(), ...options.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

export async function runPlexus(args: string[], options: RunOptions = {}): Promise<Finished> {
  const output = await plexusCommand(args, options).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

export interface RunningPlexus {
  /** The start-up line. */
  firstLine: string;
  url: string;
  /** Sends a signal and waits for the process to end. */
  stop(signal?: Deno.Signal): Promise<Finished>;
  /** Sends a signal without waiting (SIGHUP reloads the config). */
  signal(signal: Deno.Signal): void;
}

/** Starts `plexus serve …` and waits for its start-up line (or its early exit). */
export async function startPlexus(
  args: string[],
  options: RunOptions = {},
): Promise<RunningPlexus> {
  const child = plexusCommand(["serve", ...args], options).spawn();
  const stdoutChunks: string[] = [];
  const decoder = new TextDecoder();
  const reader = child.stdout.getReader();
  let buffered = "";
  while (!buffered.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
  }
  const firstLine = buffered.split("\n")[0];
  stdoutChunks.push(buffered);
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      stdoutChunks.push(decoder.decode(value, { stream: true }));
    }
  })();
  const stderr = new Response(child.stderr).text();
  const url = /listening on (http:\/\/\S+)/.exec(firstLine)?.[1];
  const stop = async (signal: Deno.Signal = "SIGTERM"): Promise<Finished> => {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
    const status = await child.status;
    await rest;
    return { code: status.code, stdout: stdoutChunks.join(""), stderr: await stderr };
  };
  if (url === undefined) {
    const finished = await stop();
    throw new Error(`plexus did not start: ${JSON.stringify(finished)}`);
  }
  return { firstLine, url, stop, signal: (name) => child.kill(name) };
}
