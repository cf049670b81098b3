/**
 * The deployment files under deploy/ are checked: the compose file parses and wires Plexus to
 * Redis with health checks, the systemd unit passes `systemd-analyze verify` (or a parse where
 * systemd is absent) with its hardening, the Dockerfile's instructions make a multi-stage,
 * non-root image with a volume and a health check, and the configs in the image are valid.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { parseConfigText } from "../../src/config/load.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => Deno.readTextFileSync(`${REPO}${path}`);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

Deno.test("docker-compose.yaml runs Plexus and Redis, with health checks, volumes and the build", () => {
  const compose = parse(read("deploy/docker-compose.yaml"));
  assert.ok(isRecord(compose) && isRecord(compose.services));
  const { plexus, redis } = compose.services as Record<string, Record<string, unknown>>;
  assert.ok(plexus && redis, "both services");
  const build = plexus.build as { context: string; dockerfile: string };
  assert.equal(Deno.statSync(`${REPO}deploy/${build.context}/${build.dockerfile}`).isFile, true);
  assert.deepEqual(plexus.depends_on, { redis: { condition: "service_healthy" } });
  const health = plexus.healthcheck as { test: string[] };
  assert.ok(health.test.join(" ").includes("/health"), "plexus health check hits /health");
  assert.ok((redis.healthcheck as { test: string[] }).test.includes("ping"));
  assert.ok((plexus.volumes as string[]).some((v) => v.endsWith(":/data")), "data_dir volume");
  const mounted = (plexus.volumes as string[]).find((v) => v.includes("/etc/plexus/plexus.yaml"));
  assert.ok(mounted, "the compose config is mounted");
  assert.equal(Deno.statSync(`${REPO}deploy/${mounted.split(":")[0]}`).isFile, true);
  assert.ok(isRecord(compose.volumes) && "plexus-data" in compose.volumes);
});

Deno.test("the configs shipped for Docker and compose are valid; compose shares state in its Redis", () => {
  const env = { PLEXUS_API_KEY: "k", OPENAI_API_KEY: "o" };
  for (const file of ["deploy/plexus.yaml", "deploy/plexus.compose.yaml"]) {
    const result = parseConfigText(read(file), `${REPO}${file}`, env);
    assert.ok(result.ok, `${file}: ${JSON.stringify(!result.ok && result.problems)}`);
    assert.equal(result.config.server.host, "0.0.0.0");
    assert.equal(result.config.server.dataDir, "/data");
  }
  const compose = parse(read("deploy/plexus.compose.yaml"));
  assert.equal(compose.state.store, "redis");
  assert.match(compose.state.url, /^redis:\/\/redis:6379/);
});

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function dockerInstructions(text: string): Instruction[] {
  const joined = text.split("\n").filter((line) => !/^\s*#/.test(line)).join("\n")
    .replace(/\\\n/g, " ");
  return joined.split("\n").map((line) => line.trim()).filter((line) => line !== "").map(
    (line) => {
      const space = line.search(/\s/);
      return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    },
  );
}

const DOCKER_KEYWORDS = new Set([
  "FROM",
  "RUN",
  "CMD",
  "LABEL",
  "EXPOSE",
  "ENV",
  "ADD",
  "COPY",
  "ENTRYPOINT",
  "VOLUME",
  "USER",
  "WORKDIR",
  "ARG",
  "ONBUILD",
  "STOPSIGNAL",
  "HEALTHCHECK",
  "SHELL",
]);

Deno.test("the Dockerfile builds with deno compile and runs the binary as non-root with a volume and a health check", () => {
  const instructions = dockerInstructions(read("deploy/Dockerfile"));
  for (const { keyword } of instructions) assert.ok(DOCKER_KEYWORDS.has(keyword), keyword);
  const stages = instructions.filter((i) => i.keyword === "FROM");
  assert.ok(stages.length >= 2, "multi-stage");
  assert.match(stages[0].args, / AS build$/i);
  const lastFrom = instructions.lastIndexOf(stages.at(-1)!);
  const build = instructions.slice(0, lastFrom);
  const final = instructions.slice(lastFrom);
  assert.ok(build.some((i) => i.keyword === "RUN" && i.args.includes("deno compile")));
  assert.ok(!final.some((i) => i.keyword === "RUN"), "the runtime stage runs nothing at build");
  const user = final.find((i) => i.keyword === "USER");
  assert.ok(user && !/^(0|root)(:|$)/.test(user.args), "runs as a non-root user");
  assert.ok(final.some((i) => i.keyword === "VOLUME" && i.args.includes("/data")));
  const health = final.find((i) => i.keyword === "HEALTHCHECK");
  assert.ok(health && health.args.includes("/health"));
  assert.ok(final.some((i) => i.keyword === "COPY" && i.args.startsWith("--from=build")));
  const entry = final.find((i) => i.keyword === "ENTRYPOINT");
  assert.ok(entry && entry.args.startsWith("["), "exec form, so signals reach plexus");
  // Every file the build copies from the context exists.
  for (
    const copy of instructions.filter((i) => i.keyword === "COPY" && !i.args.includes("--from"))
  ) {
    const sources = copy.args.split(/\s+/).filter((word) => !word.startsWith("--")).slice(0, -1);
    for (const source of sources) assert.ok(Deno.statSync(`${REPO}${source}`), source);
  }
});

function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf("=");
    assert.ok(section !== "" && eq > 0, `not a unit line: ${line}`);
    const key = `${section}.${line.slice(0, eq)}`;
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1)]);
  }
  return settings;
}

Deno.test("the systemd unit reloads on SIGHUP, stops on SIGTERM and is hardened", async () => {
  const text = read("deploy/plexus.service");
  const unit = unitSettings(text);
  assert.match(unit.get("Service.ExecStart")?.[0] ?? "", /plexus serve --config /);
  assert.equal(unit.get("Service.ExecReload")?.[0], "/bin/kill -HUP $MAINPID");
  assert.equal(unit.get("Service.KillSignal")?.[0], "SIGTERM");
  for (const hardening of ["NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"]) {
    assert.ok(unit.has(`Service.${hardening}`), hardening);
  }
  assert.ok(!unit.has("Service.MemoryDenyWriteExecute"), "V8's JIT needs writable code pages");
  assert.equal(unit.get("Install.WantedBy")?.[0], "multi-user.target");

  const analyze = await new Deno.Command("systemd-analyze", { args: ["--version"] }).output()
    .catch(() => undefined);
  if (analyze === undefined || !analyze.success) {
    console.error("systemd-analyze not found (Debian package systemd): the unit was only parsed");
    return;
  }
  // verify wants ExecStart to exist: point it at a stand-in, leaving every other line as is.
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/plexus`, "#!/bin/sh\n", { mode: 0o755 });
    await Deno.writeTextFile(
      `${dir}/plexus.service`,
      text.replaceAll("/usr/local/bin/plexus", `${dir}/plexus`),
    );
    const verify = await new Deno.Command("systemd-analyze", {
      args: ["verify", `${dir}/plexus.service`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(verify.stderr);
    assert.ok(verify.success, stderr);
    // verify exits 0 on unknown keys, so any line about the unit is a failure.
    const complaints = stderr.split("\n").filter((line) => line.includes("plexus.service"));
    assert.deepEqual(complaints, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the release script never leaves a binary for a target it could not build", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A fake deno that fails like an offline `deno compile --target` does.
    await Deno.writeTextFile(
      `${dir}/deno`,
      '#!/bin/sh\nif [ "$1" = --version ]; then echo "deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)"; exit 0; fi\necho "error: Writing deno compile executable to temporary file\\n  Download https://dl.deno.land/release/v2.9.6/denort-x86_64-apple-darwin.zip failed" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const run = await new Deno.Command("sh", {
      args: [`${REPO}scripts/release.sh`],
      env: { DENO: `${dir}/deno`, TARGETS: "x86_64-apple-darwin" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 1);
    assert.match(
      stderr,
      /x86_64-apple-darwin skipped: deno compile could not download the runtime image/,
    );
    const made = [...Deno.readDirSync(`${REPO}dist/release`)].filter((e) =>
      e.name.includes("x86_64-apple-darwin")
    );
    assert.deepEqual(made, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
