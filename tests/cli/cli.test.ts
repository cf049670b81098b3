import assert from "node:assert/strict";
import { allowedKeysAt } from "../../src/config/schema.ts";
import { join } from "node:path";
import denoJson from "../../deno.json" with { type: "json" };
import { runPlexus, startPlexus } from "./run_plexus.ts";

const VALID = `server:
  port: 1
keys:
  - name: laptop
    secret: \${LAPTOP_SECRET}
providers:
  anthropic:
    api: messages
    base_url: https://api.anthropic.com
    api_key: \${ANTHROPIC_API_KEY}
    models:
      claude-sonnet-4-5: {}
  local:
    api: chat
    base_url: http://127.0.0.1:11434/v1
    models:
      llama3.2: {}
models:
  smart:
    selector: in_order
    targets:
      - { provider: anthropic, model: claude-sonnet-4-5 }
      - { provider: local, model: llama3.2 }
`;

const INVALID = `server:
  prot: 4000
providers:
  local:
    api: chat
    base_url: nope
    models: { llama3.2: { pricing: { input: -1 } } }
models:
  smart: { targets: [ { provider: locl, model: llama3.2 } ] }
`;

async function withConfig<T>(text: string, run: (path: string, dir: string) => Promise<T>) {
  const dir = await Deno.makeTempDir({ prefix: "plexus-cli-" });
  try {
    const path = join(dir, "plexus.yaml");
    await Deno.writeTextFile(path, text);
    return await run(path, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("--version prints the version from deno.json", async () => {
  const result = await runPlexus(["--version"]);
  assert.equal(result.code, 0);
  assert.equal(result.stdout.trim(), `plexus ${denoJson.version}`);
});

Deno.test("--help lists the commands and exits 0", async () => {
  const result = await runPlexus(["--help"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /serve/);
  assert.match(result.stdout, /check-config/);
  assert.match(result.stdout, /--version/);
});

Deno.test("each command has its own --help", async () => {
  const serve = await runPlexus(["serve", "--help"]);
  assert.equal(serve.code, 0);
  for (const flag of ["--config", "--host", "--port", "--allow-no-auth"]) {
    assert.ok(serve.stdout.includes(flag), `serve --help mentions ${flag}`);
  }
  const check = await runPlexus(["check-config", "--help"]);
  assert.equal(check.code, 0);
  assert.match(check.stdout, /--json/);
  assert.match(check.stdout, /FILE:LINE:COL/);
  const viaHelp = await runPlexus(["help", "serve"]);
  assert.equal(viaHelp.stdout, serve.stdout);
});

Deno.test("no command prints the help on stderr and exits 2", async () => {
  const result = await runPlexus([]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Commands:/);
});

Deno.test("an unknown command exits 2 with a hint", async () => {
  const result = await runPlexus(["serv"]);
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr.trim(),
    'plexus: unknown command "serv" (did you mean "serve"?); see plexus --help',
  );
  assert.equal(result.stdout, "");
});

Deno.test("an unknown flag exits 2 and points at the command's help", async () => {
  const serve = await runPlexus(["serve", "--prot", "4000"]);
  assert.equal(serve.code, 2);
  assert.equal(
    serve.stderr.trim(),
    'plexus: unknown option --prot (did you mean "--port"?); see plexus serve --help',
  );
  const check = await runPlexus(["check-config", "--jsn"]);
  assert.equal(check.code, 2);
  assert.match(check.stderr, /unknown option --jsn .*see plexus check-config --help/);
  const global = await runPlexus(["--verbose"]);
  assert.equal(global.code, 2);
  assert.match(global.stderr, /unknown option --verbose; see plexus --help/);
});

Deno.test("a bad --port value or a stray argument exits 2", async () => {
  const port = await runPlexus(["serve", "--port", "http"]);
  assert.equal(port.code, 2);
  assert.match(port.stderr, /--port expects an integer from 0 to 65535, found "http"/);
  const missing = await runPlexus(["serve", "--port"]);
  assert.equal(missing.code, 2);
  const stray = await runPlexus(["check-config", "extra.yaml"]);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /unexpected argument "extra.yaml"/);
});

Deno.test("check-config on a valid file prints providers, aliases with targets and key names", async () => {
  await withConfig(VALID, async (path) => {
    const result = await runPlexus(["check-config", "--config", path], {
      env: { LAPTOP_SECRET: "very-secret-value", ANTHROPIC_API_KEY: "sk-ant-hidden" },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /: ok/);
    assert.match(result.stdout, /providers \(2, 2 enabled\)/);
    assert.match(result.stdout, /anthropic\s+messages\s+https:\/\/api\.anthropic\.com/);
    assert.match(
      result.stdout,
      /smart \(in_order\) -> anthropic\/claude-sonnet-4-5, local\/llama3\.2/,
    );
    assert.match(result.stdout, /keys \(1\): laptop/);
    const everything = result.stdout + result.stderr;
    assert.ok(!everything.includes("very-secret-value"), "a key secret was printed");
    assert.ok(!everything.includes("sk-ant-hidden"), "an api_key was printed");
  });
});

Deno.test("check-config shows disabled providers and warnings when variables are unset", async () => {
  await withConfig(VALID, async (path) => {
    const result = await runPlexus(["check-config", "-c", path]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\[disabled: api_key: ANTHROPIC_API_KEY is not set\]/);
    assert.match(result.stdout, /anthropic\/claude-sonnet-4-5 \[disabled\]/);
    assert.match(result.stderr, /^warning: provider anthropic is disabled/m);
    assert.match(result.stderr, /^warning: client key laptop is skipped/m);
  });
});

Deno.test("check-config on an invalid file lists every problem as FILE:LINE:COL  path  message and exits 1", async () => {
  await withConfig(INVALID, async (path) => {
    const result = await runPlexus(["check-config", "--config", path]);
    assert.equal(result.code, 1);
    const lines = result.stderr.trim().split("\n");
    const problems = lines.slice(0, -1);
    assert.deepEqual(problems, [
      `${path}:2:3  server.prot  unknown key "prot" (did you mean "port"?); expected one of: ${
        allowedKeysAt(["server"]).join(", ")
      }`,
      `${path}:6:15  providers.local.base_url  expected an http:// or https:// URL, found the string "nope"`,
      `${path}:7:45  providers.local.models["llama3.2"].pricing.input  expected a number >= 0, found the number -1`,
      `${path}:9:35  models.smart.targets[0].provider  unknown provider "locl" (did you mean "local"?); expected one of: local`,
    ]);
    assert.equal(lines.at(-1), `4 problems in ${path}`);
    assert.equal(result.stdout, "");
  });
});

Deno.test("check-config reports YAML syntax errors with line and column", async () => {
  await withConfig("server:\n  port: 4000\n\thost: x\n", async (path) => {
    const result = await runPlexus(["check-config", "--config", path]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^${path}:3:1  \\(yaml\\)  YAML syntax error: `, "m"));
  });
});

Deno.test("check-config --json prints ok, problems and summary", async () => {
  await withConfig(VALID, async (validPath, dir) => {
    const valid = await runPlexus(["check-config", "--json", "--config", validPath], {
      env: { ANTHROPIC_API_KEY: "k" },
    });
    assert.equal(valid.code, 0);
    const good = JSON.parse(valid.stdout);
    assert.equal(good.ok, true);
    assert.deepEqual(good.problems, []);
    assert.deepEqual(good.summary.providers.map((p: { name: string }) => p.name), [
      "anthropic",
      "local",
    ]);
    assert.deepEqual(good.summary.aliases[0].targets.map((t: { model: string }) => t.model), [
      "claude-sonnet-4-5",
      "llama3.2",
    ]);
    // The YAML's own spelling.
    assert.equal(good.summary.server.data_dir, join(dir, "data"));
    assert.equal(typeof good.summary.providers[0].base_url, "string");
    assert.equal(good.summary.server.dataDir, undefined);

    const invalidPath = join(dir, "bad.yaml");
    await Deno.writeTextFile(invalidPath, INVALID);
    const invalid = await runPlexus(["check-config", "--json", "--config", invalidPath]);
    assert.equal(invalid.code, 1);
    const bad = JSON.parse(invalid.stdout);
    assert.equal(bad.ok, false);
    assert.equal(bad.summary, null);
    assert.equal(bad.problems.length, 4);
    assert.deepEqual(Object.keys(bad.problems[0]).sort(), [
      "col",
      "file",
      "line",
      "message",
      "path",
    ]);
    assert.deepEqual(bad.problems[0], {
      file: invalidPath,
      line: 2,
      col: 3,
      path: "server.prot",
      message: bad.problems[0].message,
    });
  });
});

Deno.test("the config path comes from PLEXUS_CONFIG unless --config is given", async () => {
  await withConfig(INVALID, async (invalidPath, dir) => {
    const validPath = join(dir, "valid.yaml");
    await Deno.writeTextFile(validPath, VALID);
    const fromEnv = await runPlexus(["check-config"], { env: { PLEXUS_CONFIG: invalidPath } });
    assert.equal(fromEnv.code, 1);
    assert.ok(fromEnv.stderr.includes(invalidPath));
    const flagWins = await runPlexus(["check-config", "--config", validPath], {
      env: { PLEXUS_CONFIG: invalidPath },
    });
    assert.equal(flagWins.code, 0, flagWins.stderr);
  });
});

Deno.test("without --config or PLEXUS_CONFIG, config/plexus.yaml is checked", async () => {
  const shipped = await runPlexus(["check-config"]);
  assert.equal(shipped.code, 0, shipped.stderr);
  assert.match(shipped.stdout, /config\/plexus\.yaml: ok/);
  const elsewhere = await runPlexus(["check-config"], { cwd: await Deno.makeTempDir() });
  assert.equal(elsewhere.code, 1);
  assert.ok(
    elsewhere.stderr.startsWith("config/plexus.yaml  (file)  cannot read config: file not found"),
    elsewhere.stderr,
  );
});

Deno.test("serve prints one start-up line, answers /health and stops cleanly on SIGTERM", async () => {
  await withConfig(VALID, async (path) => {
    // The file says port 1; the flag must win.
    const server = await startPlexus(["--config", path, "--port", "0", "--host", "127.0.0.1"], {
      env: { LAPTOP_SECRET: "laptop-secret", ANTHROPIC_API_KEY: "sk-ant-hidden" },
    });
    assert.match(
      server.firstLine,
      new RegExp(
        `^plexus ${denoJson.version} listening on http://127\\.0\\.0\\.1:\\d+ \\(2 providers, 2 enabled; 1 alias; 1 key\\)$`,
      ),
    );
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    // A generation request reads request.signal, which makes Deno 2.9 warn on stderr unless its
    // legacy abort-on-success is off (deno.json "unstable": ["no-legacy-abort"]).
    const chat = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer laptop-secret", "content-type": "application/json" },
      body: JSON.stringify({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(chat.status, 404);
    await chat.body?.cancel();
    const finished = await server.stop("SIGTERM");
    assert.equal(finished.code, 0);
    assert.match(finished.stdout, /plexus stopped/);
    assert.ok(!finished.stderr.includes("legacy"), finished.stderr);
    assert.ok(!(finished.stdout + finished.stderr).includes("laptop-secret"));
    assert.ok(!(finished.stdout + finished.stderr).includes("sk-ant-hidden"));
  });
});

Deno.test("serve also stops cleanly on SIGINT", async () => {
  await withConfig(VALID, async (path) => {
    const server = await startPlexus(["--config", path, "--port", "0", "--allow-no-auth"]);
    const finished = await server.stop("SIGINT");
    assert.equal(finished.code, 0);
    assert.match(finished.stdout, /received SIGINT/);
  });
});

Deno.test("with no usable key, serve generates one, prints it, keeps it 0600 and reuses it", async () => {
  await withConfig(VALID, async (path, dir) => {
    const first = await startPlexus(["--config", path, "--port", "0"]);
    const secret = /client key: (plx-\S+)/.exec(first.firstLine)?.[1];
    assert.ok(secret, `no key in ${first.firstLine}`);
    const keyFile = join(dir, "data", "generated-key");
    assert.equal((await Deno.readTextFile(keyFile)).trim(), secret);
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(keyFile)).mode! & 0o777, 0o600);
    }
    const locked = await fetch(`${first.url}/v1/models`);
    assert.equal(locked.status, 401);
    await locked.body?.cancel();
    const unlocked = await fetch(`${first.url}/v1/models`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(unlocked.status, 200);
    await unlocked.body?.cancel();
    const firstRun = await first.stop();
    assert.match(firstRun.stderr, /^warning: client key laptop is skipped/m);

    const second = await startPlexus(["--config", path, "--port", "0"]);
    assert.ok(second.firstLine.includes(`client key: ${secret} `), "the key changed on restart");
    await second.stop();
  });
});

Deno.test("--allow-no-auth lets clients in without a key and warns on every start", async () => {
  await withConfig(VALID, async (path, dir) => {
    const server = await startPlexus(["--config", path, "--port", "0", "--allow-no-auth"]);
    assert.ok(!server.firstLine.includes("client key"));
    const open = await fetch(`${server.url}/v1/models`);
    assert.equal(open.status, 200);
    await open.body?.cancel();
    const finished = await server.stop();
    assert.match(finished.stderr, /^warning: authentication is off \(--allow-no-auth\)/m);
    await assert.rejects(Deno.stat(join(dir, "data", "generated-key")), Deno.errors.NotFound);
  });
});

Deno.test("serve refuses to start on an invalid config and exits 1 with every problem", async () => {
  await withConfig(INVALID, async (path) => {
    const result = await runPlexus(["serve", "--config", path, "--port", "0"]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr.split("\n").filter((line) => line.startsWith(`${path}:`)).length, 4);
    assert.match(result.stderr, /plexus cannot start/);
  });
});

Deno.test("serve exits 1 when its port is taken", async () => {
  await withConfig(VALID, async (path) => {
    const blocker = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const port = (blocker.addr as Deno.NetAddr).port;
      const result = await runPlexus([
        "serve",
        "--config",
        path,
        "--port",
        String(port),
        "--allow-no-auth",
      ]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
    } finally {
      blocker.close();
    }
  });
});

Deno.test("check-config warns about an alias with no enabled target; --strict makes that fail", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "plexus.yaml");
    await Deno.writeTextFile(
      path,
      [
        "providers:",
        "  off:",
        "    api: chat",
        "    base_url: http://127.0.0.1:9/v1",
        "    enabled: false",
        "    models:",
        "      m: {}",
        "models:",
        "  dead:",
        "    targets:",
        "      - provider: off",
        "        model: m",
        "",
      ].join("\n"),
    );
    const lenient = await runPlexus(["check-config", "--config", path]);
    assert.equal(lenient.code, 0);
    assert.match(lenient.stderr, /warning: alias dead has no enabled target/);
    const strict = await runPlexus(["check-config", "--strict", "--config", path]);
    assert.equal(strict.code, 1);
    assert.match(
      strict.stderr,
      /warning\(s\)? in .* \(--strict makes them fail\)|warnings? in .*--strict/,
    );
    const json = await runPlexus(["check-config", "--json", "--strict", "--config", path]);
    assert.equal(json.code, 1);
    assert.ok(JSON.parse(json.stdout).summary.warnings.some((w: string) => w.includes("dead")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
