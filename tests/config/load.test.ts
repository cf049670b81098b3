import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig, parseConfigText } from "../../src/config/load.ts";
import type { Problem } from "../../src/config/errors.ts";
import type { Config } from "../../src/config/types.ts";

const FILE = "/etc/plexus/test.yaml";

/** A small valid file; tests change one thing in it. */
const VALID = `server:
  port: 4100
keys:
  - { name: laptop, secret: s3cret-one }
providers:
  openai:
    api: chat
    base_url: https://api.openai.com/v1
    api_key: sk-test
    models:
      gpt-4o: { pricing: { input: 2.5, output: 10, cache_read: 1.25 } }
      gpt-4o-mini: {}
models:
  smart:
    targets:
      - { provider: openai, model: gpt-4o }
`;

function problemsOf(text: string, env: Record<string, string> = {}): Problem[] {
  const result = parseConfigText(text, FILE, env);
  assert.equal(result.ok, false, "expected the config to be rejected");
  return result.ok ? [] : result.problems;
}

function configOf(text: string, env: Record<string, string> = {}): Config {
  const result = parseConfigText(text, FILE, env);
  if (!result.ok) assert.fail(`expected a valid config, got ${JSON.stringify(result.problems)}`);
  return result.config;
}

/** The single problem at `path`; fails when there is none or more than one. */
function problemAt(problems: Problem[], path: string): Problem {
  const matching = problems.filter((problem) => problem.path === path);
  assert.equal(matching.length, 1, `one problem at ${path} in ${JSON.stringify(problems)}`);
  return matching[0];
}

Deno.test("a valid file loads with the defaults filled in", () => {
  const config = configOf(VALID);
  assert.equal(config.server.host, "127.0.0.1");
  assert.equal(config.server.port, 4100);
  assert.equal(config.server.maxBodyBytes, 33554432);
  assert.equal(config.server.shutdownGraceMs, 30000);
  assert.equal(config.providers.openai.defaultMaxTokens, 4096);
  assert.deepEqual(config.providers.openai.timeouts, { firstByteMs: 120000, idleMs: 120000 });
  assert.deepEqual(config.providers.openai.models["gpt-4o"].pricing, {
    input: 2.5,
    output: 10,
    cacheRead: 1.25,
  });
  assert.deepEqual(config.providers.openai.models["gpt-4o-mini"], {});
  assert.deepEqual(config.models.smart.targets, [
    { provider: "openai", model: "gpt-4o", weight: 1, enabled: true },
  ]);
  assert.equal(config.models.smart.selector, "random");
  assert.deepEqual(config.cooldown, { baseMs: 30000, maxMs: 600000 });
  assert.equal(config.retryOnConnectionReset, true);
  assert.deepEqual(config.logging, { bodies: false });
  assert.deepEqual(config.metrics, { public: false });
  assert.equal(config.allowNoAuth, false);
  assert.deepEqual(config.keys, [{ name: "laptop", secret: "s3cret-one" }]);
});

Deno.test("data_dir is resolved relative to the config file, not the working directory", () => {
  assert.equal(configOf(VALID).server.dataDir, "/etc/plexus/data");
  const custom = configOf(VALID.replace("  port: 4100", "  port: 4100\n  data_dir: ../state"));
  assert.equal(custom.server.dataDir, "/etc/state");
  const absolute = configOf(VALID.replace("  port: 4100", "  port: 4100\n  data_dir: /var/plexus"));
  assert.equal(absolute.server.dataDir, "/var/plexus");
});

Deno.test("a trailing slash on base_url is dropped", () => {
  const config = configOf(VALID.replace("https://api.openai.com/v1", "https://api.openai.com/v1/"));
  assert.equal(config.providers.openai.baseUrl, "https://api.openai.com/v1");
});

Deno.test("global timeouts are defaults that a provider overrides field by field", () => {
  const text = VALID.replace(
    "    api_key: sk-test\n",
    "    api_key: sk-test\n    timeouts: { idle_ms: 5000 }\n",
  ) + "timeouts: { connect_ms: 1000, idle_ms: 9000, total_ms: 60000 }\n";
  assert.deepEqual(configOf(text).providers.openai.timeouts, {
    connectMs: 1000,
    firstByteMs: 120000,
    idleMs: 5000,
    totalMs: 60000,
  });
});

Deno.test("optional top-level settings map to the Config fields", () => {
  const config = configOf(
    VALID +
      `cooldown: { base_ms: 1000, max_ms: 2000 }
retry_on_connection_reset: false
logging: { bodies: true }
metrics: { public: true }
admin_key: adm
`,
  );
  assert.deepEqual(config.cooldown, { baseMs: 1000, maxMs: 2000 });
  assert.equal(config.retryOnConnectionReset, false);
  assert.deepEqual(config.logging, { bodies: true });
  assert.deepEqual(config.metrics, { public: true });
  assert.equal(config.adminKey, "adm");
  assert.ok(!config.warnings.some((warning) => warning.includes("admin")));
});

Deno.test("a misspelt key is rejected at its line with a did-you-mean hint", () => {
  const problem = problemAt(
    problemsOf(VALID.replace("  port: 4100", "  prot: 4100")),
    "server.prot",
  );
  assert.equal(problem.file, FILE);
  assert.equal(problem.line, 2);
  assert.equal(problem.col, 3);
  assert.match(problem.message, /unknown key "prot" \(did you mean "port"\?\)/);
  assert.match(problem.message, /expected one of: host, port, data_dir/);
});

Deno.test("a value of the wrong type names what was expected and what was found", () => {
  const problem = problemAt(
    problemsOf(VALID.replace("  port: 4100", "  port: lots")),
    "server.port",
  );
  assert.equal(problem.line, 2);
  assert.equal(problem.col, 9);
  assert.equal(problem.message, 'expected a number, found the string "lots"');
});

Deno.test("a port out of range is rejected", () => {
  const problem = problemAt(problemsOf(VALID.replace("port: 4100", "port: 70000")), "server.port");
  assert.equal(problem.line, 2);
  assert.match(problem.message, /<= 65535, found the number 70000/);
  const negative = problemAt(problemsOf(VALID.replace("port: 4100", "port: -1")), "server.port");
  assert.match(negative.message, />= 0, found the number -1/);
});

Deno.test("a target naming an unknown provider is rejected with the known ones", () => {
  const problem = problemAt(
    problemsOf(
      VALID.replace("{ provider: openai, model: gpt-4o }", "{ provider: openia, model: gpt-4o }"),
    ),
    "models.smart.targets[0].provider",
  );
  assert.equal(problem.line, 16);
  assert.equal(problem.col, 21);
  assert.match(problem.message, /unknown provider "openia" \(did you mean "openai"\?\)/);
  assert.match(problem.message, /expected one of: openai/);
});

Deno.test("a target naming a model its provider does not list is rejected", () => {
  const problem = problemAt(
    problemsOf(VALID.replace("model: gpt-4o }", "model: gpt-5 }")),
    "models.smart.targets[0].model",
  );
  assert.equal(problem.line, 16);
  assert.match(problem.message, /provider "openai" does not list model "gpt-5"/);
  assert.match(problem.message, /listed: gpt-4o, gpt-4o-mini/);
});

Deno.test("two keys with the same secret are rejected without showing the secret", () => {
  const text = VALID.replace(
    "  - { name: laptop, secret: s3cret-one }",
    "  - { name: laptop, secret: s3cret-one }\n  - { name: phone, secret: s3cret-one }",
  );
  const problems = problemsOf(text);
  const problem = problemAt(problems, "keys[1].secret");
  assert.equal(problem.line, 5);
  assert.match(problem.message, /duplicate secret.*keys\[0\]/);
  assert.ok(!JSON.stringify(problems).includes("s3cret-one"), "the secret leaked into a message");
});

Deno.test("a secret of the wrong type is described without its value", () => {
  const problems = problemsOf(VALID.replace("api_key: sk-test", "api_key: 918273645"));
  const problem = problemAt(problems, "providers.openai.api_key");
  assert.match(problem.message, /expected a string, found a number \(value not shown\)/);
  assert.ok(!JSON.stringify(problems).includes("918273645"));
});

Deno.test("an alias without targets is rejected", () => {
  const problem = problemAt(
    problemsOf(VALID + "  empty: { targets: [] }\n"),
    "models.empty.targets",
  );
  assert.equal(problem.line, 17);
  assert.equal(problem.message, "expected at least 1 item, found an empty list");
});

Deno.test("an alias without a targets key is rejected at the alias", () => {
  const problem = problemAt(
    problemsOf(VALID + "  lonely: { selector: random }\n"),
    "models.lonely.targets",
  );
  assert.equal(problem.line, 17);
  assert.match(problem.message, /required key is missing: expected a list/);
});

Deno.test("a base_url that is not an http(s) URL is rejected", () => {
  for (const bad of ["not a url", "ftp://example.com"]) {
    const problem = problemAt(
      problemsOf(VALID.replace("https://api.openai.com/v1", bad)),
      "providers.openai.base_url",
    );
    assert.equal(problem.line, 8);
    assert.equal(problem.message, `expected an http:// or https:// URL, found the string "${bad}"`);
  }
});

Deno.test("a negative price is rejected", () => {
  const problem = problemAt(
    problemsOf(VALID.replace("input: 2.5", "input: -2.5")),
    "providers.openai.models.gpt-4o.pricing.input",
  );
  assert.equal(problem.line, 11);
  assert.equal(problem.message, "expected a number >= 0, found the number -2.5");
});

Deno.test("an unknown selector lists the valid ones", () => {
  const problem = problemAt(
    problemsOf(VALID.replace("  smart:\n", "  smart:\n    selector: fastest\n")),
    "models.smart.selector",
  );
  assert.match(
    problem.message,
    /expected one of: random, weighted, in_order, lowest_latency, lowest_cost/,
  );
});

Deno.test("YAML syntax errors are reported with line and column", () => {
  const problems = problemsOf("server:\n  port: 4000\nproviders:\n  openai: [1, 2\nmodels: {}\n");
  assert.ok(problems.length >= 1);
  assert.equal(problems[0].path, "(yaml)");
  assert.equal(problems[0].line, 5);
  assert.equal(problems[0].col, 1);
  assert.match(problems[0].message, /^YAML syntax error: /);
  const tab = problemsOf("server:\n\tport: 4000\n");
  assert.equal(tab[0].line, 2);
});

Deno.test("a key written twice in one mapping is a YAML error at the second one", () => {
  const problems = problemsOf("server:\n  port: 1\n  port: 2\n");
  assert.equal(problems[0].line, 3);
  assert.match(problems[0].message, /unique/);
});

Deno.test("every problem in a file is reported, in file order, not just the first", () => {
  const text = VALID
    .replace("  port: 4100", "  port: 99999\n  hots: x")
    .replace("input: 2.5", "input: -1")
    .replace("model: gpt-4o }", "model: gpt-9 }") + "  empty: { targets: [] }\n";
  const problems = problemsOf(text);
  assert.deepEqual(problems.map((problem) => problem.path), [
    "server.port",
    "server.hots",
    "providers.openai.models.gpt-4o.pricing.input",
    "models.smart.targets[0].model",
    "models.empty.targets",
  ]);
  const lines = problems.map((problem) => problem.line);
  assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
});

Deno.test("provider and alias names may not contain a slash", () => {
  const text = VALID.replace("  openai:\n", "  open/ai:\n").replace(
    "provider: openai",
    "provider: open/ai",
  ) + '  "open/ai/gpt-4o": { targets: [ { provider: "open/ai", model: gpt-4o } ] }\n';
  const problems = problemsOf(text);
  const provider = problemAt(problems, 'providers["open/ai"]');
  assert.equal(provider.line, 6);
  assert.match(provider.message, /provider names cannot contain "\/"/);
  const alias = problemAt(problems, 'models["open/ai/gpt-4o"]');
  assert.match(alias.message, /alias names cannot contain "\/"/);
});

Deno.test("an alias spelled like provider/model names the model it would shadow", () => {
  const problem = problemAt(
    problemsOf(VALID + '  "openai/gpt-4o": { targets: [ { provider: openai, model: gpt-4o } ] }\n'),
    'models["openai/gpt-4o"]',
  );
  assert.equal(problem.line, 17);
  assert.match(problem.message, /already means model "gpt-4o" of provider "openai"/);
});

Deno.test("an empty file is rejected as not being a mapping", () => {
  const problem = problemAt(problemsOf(""), "(root)");
  assert.equal(problem.message, "expected a mapping, found an empty value");
});

Deno.test("${VAR} and ${VAR:-default} are expanded from the given environment", () => {
  const text = VALID
    .replace("api_key: sk-test", "api_key: ${OPENAI_KEY}")
    .replace("https://api.openai.com/v1", "${OPENAI_BASE:-https://proxy.example/v1}")
    .replace("secret: s3cret-one", 'secret: "pre-${SUFFIX}"');
  const config = configOf(text, { OPENAI_KEY: "sk-from-env", SUFFIX: "xyz" });
  assert.equal(config.providers.openai.apiKey, "sk-from-env");
  assert.equal(config.providers.openai.baseUrl, "https://proxy.example/v1");
  assert.equal(config.keys[0].secret, "pre-xyz");
  const overridden = configOf(text, {
    OPENAI_KEY: "k",
    SUFFIX: "s",
    OPENAI_BASE: "http://127.0.0.1:9/v1",
  });
  assert.equal(overridden.providers.openai.baseUrl, "http://127.0.0.1:9/v1");
});

Deno.test("an unquoted ${PORT} expands to a number, a quoted one stays a string", () => {
  const plain = configOf(VALID.replace("port: 4100", "port: ${PORT:-4200}"), { PORT: "4300" });
  assert.equal(plain.server.port, 4300);
  const quoted = problemsOf(VALID.replace("port: 4100", 'port: "${PORT}"'), { PORT: "4300" });
  assert.match(
    problemAt(quoted, "server.port").message,
    /expected a number, found the string "4300"/,
  );
});

Deno.test("an unset variable outside the secrets is an error that names the variable", () => {
  const problems = problemsOf(VALID.replace("https://api.openai.com/v1", "${OPENAI_BASE}"));
  const problem = problemAt(problems, "providers.openai.base_url");
  assert.equal(problem.line, 8);
  assert.match(problem.message, /OPENAI_BASE to be set, found it unset or empty/);
});

Deno.test("a provider whose api_key variable is unset is disabled with a warning", () => {
  const text = VALID.replace("api_key: sk-test", "api_key: ${OPENAI_API_KEY}");
  const config = configOf(text, {});
  const openai = config.providers.openai;
  assert.equal(openai.enabled, false);
  assert.equal(openai.apiKey, undefined);
  assert.match(openai.disabledReason ?? "", /OPENAI_API_KEY/);
  assert.ok(
    config.warnings.some((warning) => /provider openai is disabled.*OPENAI_API_KEY/.test(warning)),
  );
  assert.equal(config.models.smart.targets[0].enabled, false);
  assert.ok(config.warnings.some((warning) => /alias smart has no enabled target/.test(warning)));
  // An empty variable counts as unset, like the shell's ${VAR:-}.
  assert.equal(configOf(text, { OPENAI_API_KEY: "" }).providers.openai.enabled, false);
  assert.equal(configOf(text, { OPENAI_API_KEY: "sk-x" }).providers.openai.enabled, true);
});

Deno.test("an alias with one enabled target is not reported as unusable", () => {
  const text = VALID.replace("api_key: sk-test", "api_key: ${OPENAI_API_KEY}") + `  local:
    targets:
      - { provider: openai, model: gpt-4o }
      - { provider: ollama, model: llama3.2 }
`.replace(/^/, "") +
    "";
  const withLocal = text.replace(
    "models:\n  smart:",
    `  ollama:
    api: chat
    base_url: http://127.0.0.1:11434/v1
    models: { llama3.2: }
models:
  smart:`,
  );
  const config = configOf(withLocal, {});
  assert.equal(config.providers.ollama.enabled, true, "a provider without api_key needs no key");
  assert.equal(config.providers.ollama.apiKey, undefined);
  assert.deepEqual(config.models.local.targets.map((target) => target.enabled), [false, true]);
  assert.ok(!config.warnings.some((warning) => warning.includes("alias local")));
  assert.ok(config.warnings.some((warning) => warning.includes("alias smart")));
});

Deno.test("enabled: false turns off a provider and a single target", () => {
  const config = configOf(
    VALID.replace("    api: chat\n", "    api: chat\n    enabled: false\n"),
  );
  assert.equal(config.providers.openai.enabled, false);
  assert.equal(config.providers.openai.disabledReason, "disabled in the config file");
  assert.equal(config.models.smart.targets[0].enabled, false);
  const target = configOf(
    VALID.replace(
      "{ provider: openai, model: gpt-4o }",
      "{ provider: openai, model: gpt-4o, enabled: false }",
    ),
  );
  assert.equal(target.providers.openai.enabled, true);
  assert.equal(target.models.smart.targets[0].enabled, false);
});

Deno.test("a client key whose secret variable is unset is skipped with a warning", () => {
  const config = configOf(VALID.replace("secret: s3cret-one", "secret: ${LAPTOP_KEY}"), {});
  assert.deepEqual(config.keys, []);
  assert.ok(
    config.warnings.some((warning) => /client key laptop is skipped.*LAPTOP_KEY/.test(warning)),
  );
});

Deno.test("an unset admin_key variable leaves the admin API off with a warning", () => {
  const config = configOf(VALID + "admin_key: ${PLEXUS_ADMIN_KEY}\n", {});
  assert.equal(config.adminKey, undefined);
  assert.ok(config.warnings.some((warning) => /PLEXUS_ADMIN_KEY.*\/v0/.test(warning)));
  assert.equal(
    configOf(VALID + "admin_key: ${PLEXUS_ADMIN_KEY}\n", { PLEXUS_ADMIN_KEY: "a" }).adminKey,
    "a",
  );
});

Deno.test("alias options: weights, max_attempts and selector carry over", () => {
  const config = configOf(
    VALID.replace(
      "  smart:\n    targets:\n      - { provider: openai, model: gpt-4o }",
      "  smart:\n    selector: weighted\n    max_attempts: 2\n    targets:\n      - { provider: openai, model: gpt-4o, weight: 3 }\n      - { provider: openai, model: gpt-4o-mini }",
    ),
  );
  assert.equal(config.models.smart.selector, "weighted");
  assert.equal(config.models.smart.maxAttempts, 2);
  assert.deepEqual(config.models.smart.targets.map((target) => target.weight), [3, 1]);
  const zero = problemsOf(VALID.replace("model: gpt-4o }", "model: gpt-4o, weight: 0 }"));
  assert.match(problemAt(zero, "models.smart.targets[0].weight").message, /greater than 0/);
});

Deno.test("cooldown.max_ms below base_ms is rejected", () => {
  const problem = problemAt(
    problemsOf(VALID + "cooldown: { base_ms: 5000, max_ms: 100 }\n"),
    "cooldown.max_ms",
  );
  assert.match(problem.message, />= base_ms \(5000\)/);
});

Deno.test("loadConfig reports a missing file as one problem about the file", async () => {
  const result = await loadConfig("/nonexistent/plexus.yaml", {});
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0].line, 0);
  assert.match(result.problems[0].message, /file not found/);
});

Deno.test("loadConfig reads the file and uses the given environment", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "plexus.yaml");
    await Deno.writeTextFile(path, VALID.replace("api_key: sk-test", "api_key: ${K}"));
    const result = await loadConfig(path, { K: "from-env" });
    assert.equal(result.ok, true);
    if (!result.ok) return;
    assert.equal(result.config.path, path);
    assert.equal(result.config.server.dataDir, join(dir, "data"));
    assert.equal(result.config.providers.openai.apiKey, "from-env");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the shipped config/plexus.yaml is valid on a machine with no keys", async () => {
  const path = new URL("../../config/plexus.yaml", import.meta.url).pathname;
  const result = await loadConfig(path, {});
  if (!result.ok) assert.fail(JSON.stringify(result.problems, null, 2));
  const config = result.config;
  assert.deepEqual(
    Object.values(config.providers).filter((p) => p.enabled).map((p) => p.name),
    ["ollama"],
  );
  assert.deepEqual(Object.keys(config.providers).sort(), [
    "anthropic",
    "gemini",
    "ollama",
    "openai",
  ]);
  assert.deepEqual(config.keys, []);
  assert.equal(config.adminKey, undefined);
  assert.ok(config.warnings.length > 0);
});

Deno.test("the shipped config/plexus.yaml enables every provider whose key is set", async () => {
  const path = new URL("../../config/plexus.yaml", import.meta.url).pathname;
  const result = await loadConfig(path, {
    OPENAI_API_KEY: "a",
    ANTHROPIC_API_KEY: "b",
    GEMINI_API_KEY: "c",
    PLEXUS_API_KEY: "d",
    PLEXUS_ADMIN_KEY: "e",
  });
  if (!result.ok) assert.fail(JSON.stringify(result.problems, null, 2));
  assert.ok(Object.values(result.config.providers).every((provider) => provider.enabled));
  assert.deepEqual(result.config.warnings, []);
  assert.deepEqual(result.config.keys, [{ name: "laptop", secret: "d" }]);
});

Deno.test("${VAR} works unquoted inside flow mappings, as in the documented example", () => {
  const text = `server: { host: 127.0.0.1, port: 4000 }
admin_key: \${PLEXUS_ADMIN_KEY}
keys: [ {name: laptop, secret: \${PLEXUS_API_KEY}} ]
providers:
  openai: { api: chat, base_url: https://api.openai.com/v1, api_key: \${OPENAI_API_KEY}, headers: {}, models: { gpt-4o: { pricing: { input: 2.5, output: 10, cache_read: 1.25 } }, gpt-4o-mini: {} } }
  anthropic: { api: messages, base_url: \${ANTHROPIC_BASE:-https://api.anthropic.com}, api_key: \${ANTHROPIC_API_KEY}, models: { claude-sonnet-4-5: { pricing: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 } } } }
models:
  smart: { selector: in_order, targets: [ { provider: anthropic, model: claude-sonnet-4-5 }, { provider: openai, model: gpt-4o, weight: 1 } ] }
`;
  const config = configOf(text, { PLEXUS_API_KEY: "client-secret", ANTHROPIC_API_KEY: "ak" });
  assert.deepEqual(config.keys, [{ name: "laptop", secret: "client-secret" }]);
  assert.equal(config.providers.anthropic.apiKey, "ak");
  assert.equal(config.providers.anthropic.baseUrl, "https://api.anthropic.com");
  assert.equal(config.providers.openai.enabled, false);
  assert.deepEqual(config.models.smart.targets.map((target) => target.enabled), [true, false]);

  const withTypo = text.replace(
    "secret: ${PLEXUS_API_KEY}}",
    "secret: ${PLEXUS_API_KEY}, nmae: x}",
  );
  const typo = problemAt(problemsOf(withTypo, {}), "keys[0].nmae");
  assert.equal(typo.line, 3);
  const line = withTypo.split("\n")[2];
  assert.equal(typo.col, line.indexOf("nmae") + 1, "columns after a reference stay true");
});

Deno.test("$${ writes a literal ${ that is not expanded", () => {
  const config = configOf(
    // A function, because a replacement string would read "$$" itself.
    VALID.replace(
      "    api_key: sk-test\n",
      () => '    api_key: sk-test\n    headers: { x-template: "$${NOT_A_VAR}" }\n',
    ),
  );
  assert.deepEqual(config.providers.openai.headers, { "x-template": "${NOT_A_VAR}" });
});
