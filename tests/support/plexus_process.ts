/** A real `plexus serve` process for tests that need several instances; stopped with SIGTERM. */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export interface PlexusProcess {
  url: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

async function listeningPort(stdout: ReadableStream<Uint8Array>): Promise<number> {
  let text = "";
  for await (const chunk of stdout.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
    if (match !== null) return Number(match[1]);
  }
  throw new Error(`serve never said where it listens: ${text}`);
}

/** Starts `plexus serve --config <path>` and waits until it listens. */
export async function startPlexus(configPath: string): Promise<PlexusProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--config", configPath, "--port", "0"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const errors = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
  })();
  const [forPort, rest] = child.stdout.tee();
  let port: number;
  try {
    port = await listeningPort(forPort);
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    await errors;
    throw new Error(`${error instanceof Error ? error.message : error}\n${stderr}`);
  }
  const drained = rest.pipeTo(new WritableStream()).catch(() => {});
  return {
    url: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await child.status;
      await Promise.all([errors, drained]);
    },
  };
}

/** Runs `plexus serve` expecting it to refuse to start; returns its exit code and stderr. */
export async function refusedStart(configPath: string): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--config", configPath, "--port", "0"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // It should exit at once; one that started after all is stopped rather than left hanging.
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const output = await child.output();
  clearTimeout(timer);
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}
