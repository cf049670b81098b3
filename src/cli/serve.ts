/** `plexus serve`: load the config, make sure clients need a key, start the server, stop on a signal. */
import { formatProblem } from "../config/errors.ts";
import { ensureGeneratedKey, generatedKeyPath } from "../config/generated_key.ts";
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/types.ts";
import { isLoopbackHost } from "../http/host_check.ts";
import { type RunningServer, startServer } from "../http/server.ts";
import { DataDirLocked } from "../state/instance_lock.ts";
import { configPathFrom, parseCommandArgs, parsePort, SERVE_OPTIONS } from "./args.ts";
import { dataDirProblem, unwritable } from "./data_dir.ts";
import { commandHelp } from "./help.ts";
import { installProcessGuards } from "./process_guards.ts";
import { countsText } from "./summary.ts";
import { versionLine } from "./version.ts";

const STOP_SIGNALS: Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT"]
  : ["SIGINT", "SIGTERM"];

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** Adds the generated key when the config leaves no way in; returns the note for the start-up line. */
async function lockByDefault(config: Config, quiet = false): Promise<string> {
  if (config.allowNoAuth) {
    if (!quiet) {
      console.error("warning: authentication is off (--allow-no-auth): every client is let in");
      if (!isLoopbackHost(config.server.host)) {
        console.error(
          `WARNING: --allow-no-auth on ${config.server.host}, which is not a loopback address: ` +
            "ANYONE WHO CAN REACH THIS PORT CAN SPEND YOUR PROVIDER KEYS. Configure client keys " +
            "instead (docs/security.md).",
        );
      }
    }
    return "";
  }
  if (config.keys.length > 0) return "";
  const secret = await ensureGeneratedKey(config.server.dataDir);
  config.keys.push({ name: "generated", secret });
  return ` client key: ${secret} (generated, kept in ${generatedKeyPath(config.server.dataDir)})`;
}

/** SIGHUP re-reads the config (it used to end the process, losing the last usage lines). */
function listenForHangup(running: RunningServer): { dispose(): void } {
  const reloader = running.reloader;
  if (Deno.build.os === "windows" || reloader === undefined) return { dispose() {} };
  const listener = () => {
    // The reloader reports the outcome itself (stderr and /v0/events).
    reloader.reload("signal").catch(() => {});
  };
  Deno.addSignalListener("SIGHUP", listener);
  return { dispose: () => Deno.removeSignalListener("SIGHUP", listener) };
}

function waitForStopSignal(): { signal: Promise<Deno.Signal>; dispose(): void } {
  const listeners: [Deno.Signal, () => void][] = [];
  let stopping = false;
  const signal = new Promise<Deno.Signal>((resolve) => {
    for (const name of STOP_SIGNALS) {
      const listener = () => {
        // A second signal while draining means "now".
        if (stopping) Deno.exit(130);
        stopping = true;
        resolve(name);
      };
      Deno.addSignalListener(name, listener);
      listeners.push([name, listener]);
    }
  });
  return {
    signal,
    dispose: () =>
      listeners.forEach(([name, listener]) => Deno.removeSignalListener(name, listener)),
  };
}

/** Exit code: 0 after a clean stop, 1 when the config is invalid or the server cannot start. */
// Long function: start-up steps in order, each a few lines.
export async function runServe(args: string[], env: Record<string, string>): Promise<number> {
  const flags = parseCommandArgs("serve", SERVE_OPTIONS, args);
  if (flags.help) {
    console.log(commandHelp("serve"));
    return 0;
  }
  const port = flags.port === undefined ? undefined : parsePort(flags.port, "serve");
  const path = configPathFrom(flags.config, env.PLEXUS_CONFIG);
  const result = await loadConfig(path, env);
  if (!result.ok) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    console.error(`plexus cannot start: ${path} has ${result.problems.length} problem(s)`);
    return 1;
  }
  const config = result.config;
  // Applied to every config this process loads, at start and on each reload.
  const applyFlags = (loaded: Config) => {
    if (flags.host !== undefined) loaded.server.host = flags.host;
    if (port !== undefined) loaded.server.port = port;
    loaded.allowNoAuth = flags["allow-no-auth"] === true;
  };
  applyFlags(config);

  for (const warning of config.warnings) console.error(`warning: ${warning}`);
  const unusable = await dataDirProblem(config.server.dataDir);
  if (unusable !== undefined) {
    console.error(`plexus cannot start: ${unusable}`);
    return 1;
  }
  let keyNote: string;
  try {
    keyNote = await lockByDefault(config);
  } catch (error) {
    console.error(`plexus cannot start: ${unwritable(config.server.dataDir, error)}`);
    return 1;
  }

  installProcessGuards();
  const stop = waitForStopSignal();
  let running: RunningServer;
  try {
    running = await startServer(config, {
      reload: {
        path,
        env,
        prepare: async (loaded) => {
          applyFlags(loaded);
          await lockByDefault(loaded, true);
        },
      },
      onListen: ({ hostname, port }) =>
        console.log(
          `${versionLine()} listening on http://${urlHost(hostname)}:${port} (${
            countsText(config)
          })${keyNote}`,
        ),
    });
  } catch (error) {
    stop.dispose();
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof DataDirLocked) {
      console.error(`plexus cannot start: ${reason}`);
      return 1;
    }
    console.error(
      `plexus cannot listen on ${config.server.host}:${config.server.port}: ${reason}`,
    );
    return 1;
  }

  const reloadOnHangup = listenForHangup(running);
  const outcome = await Promise.race([
    stop.signal,
    running.finished.then(() => "finished" as const),
  ]);
  if (outcome !== "finished") {
    console.log(`plexus received ${outcome}, finishing in-flight requests`);
    // shutdown() itself bounds the wait by server.shutdownGraceMs, then saves state.
    await running.shutdown();
  }
  stop.dispose();
  reloadOnHangup.dispose();
  console.log("plexus stopped");
  return 0;
}
