/** Starting the processes under test: pinned to a core when `taskset` exists, stopped by pid. */

export interface Started {
  pid: number;
  child: Deno.ChildProcess;
  /** The last lines the process wrote, for a diagnosis when it misbehaves. */
  tail(): string;
  stop(): Promise<void>;
}

export async function hasCommand(name: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", `command -v ${name}`],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Pins every thread of this process (the load generator's side) to a core. */
export async function pinSelf(core: number): Promise<boolean> {
  const out = await new Deno.Command("taskset", {
    args: ["-a", "-p", "-c", String(core), String(Deno.pid)],
    stdout: "null",
    stderr: "null",
  }).output();
  return out.success;
}

/** Keeps the last `max` lines of a stream, so a chatty process never blocks on a full pipe. */
function drain(stream: ReadableStream<Uint8Array>, lines: string[], max = 40): void {
  (async () => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      lines.push(...text.split("\n").filter((l) => l !== ""));
      if (lines.length > max) lines.splice(0, lines.length - max);
    }
  })().catch(() => {});
}

/** Runs `command args…`, under `taskset -c core` when a core is given (taskset execs, so the pid is kept). */
export function start(
  command: string,
  args: string[],
  options: { core?: number; cwd?: string; env?: Record<string, string> } = {},
): Started {
  const pinned = options.core !== undefined;
  const child = new Deno.Command(pinned ? "taskset" : command, {
    args: pinned ? ["-c", String(options.core), command, ...args] : args,
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  drain(child.stdout, lines);
  drain(child.stderr, lines);
  let stopped = false;
  return {
    pid: child.pid,
    child,
    tail: () => lines.join("\n"),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // Already gone.
        }
      }, 5000);
      await child.status;
      clearTimeout(timer);
    },
  };
}

/** A port nobody listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Polls `url` until it answers, or throws after `timeoutMs` with the process's last words. */
export async function waitUntilUp(url: string, process: Started, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms:\n${process.tail()}`);
}
