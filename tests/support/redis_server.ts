/**
 * A real `redis-server` (or `valkey-server`) for tests: started on a free loopback port in a
 * temporary folder, without persistence, and stopped afterwards. Tests that need it skip, saying
 * why, when neither binary is installed (`.ci/run` installs the Debian package).
 */
import { unusedPort } from "./fake_upstream.ts";

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: as abrupt as a crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that hangs without closing its connections. */
  pause(): void;
  resume(): void;
  /** Runs a command through `redis-cli` (for assertions), or undefined without redis-cli. */
  cli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

function which(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").concat(["/usr/bin", "/usr/sbin"])) {
    try {
      const path = `${dir}/${name}`;
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** The server binary, or undefined (tests then skip). */
export const REDIS_BINARY: string | undefined = which("redis-server") ?? which("valkey-server");
const CLI_BINARY: string | undefined = which("redis-cli") ?? which("valkey-cli");

export const REDIS_SKIP_REASON = REDIS_BINARY === undefined
  ? "redis-server (or valkey-server) is not installed: apt-get install redis-server"
  : undefined;

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Deno.connect({ hostname: "127.0.0.1", port });
      connection.close();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export async function startRedis(): Promise<RedisServer> {
  if (REDIS_BINARY === undefined) throw new Error(REDIS_SKIP_REASON);
  const dir = await Deno.makeTempDir({ prefix: "plexus-redis-" });
  const port = unusedPort();
  let child: Deno.ChildProcess | undefined;
  const spawn = async () => {
    child = new Deno.Command(REDIS_BINARY!, {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--daemonize",
        "no",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitForPort(port, 5000);
  };
  const kill = async () => {
    if (child === undefined) return;
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await child.status;
    child = undefined;
  };
  await spawn();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    kill,
    restart: spawn,
    pause: () => child?.kill("SIGSTOP"),
    resume: () => child?.kill("SIGCONT"),
    async cli(...args: string[]) {
      if (CLI_BINARY === undefined) throw new Error("redis-cli is not installed");
      const output = await new Deno.Command(CLI_BINARY, {
        args: ["-p", String(port), ...args],
        stdout: "piped",
        stderr: "null",
      }).output();
      return new TextDecoder().decode(output.stdout).trim();
    },
    async stop() {
      await kill();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
