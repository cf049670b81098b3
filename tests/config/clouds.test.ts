/** The `azure:` and `vertex:` provider sections as the loader reads and checks them. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseConfigText } from "../../src/config/load.ts";
import type { Problem } from "../../src/config/errors.ts";
import type { Config } from "../../src/config/types.ts";
import { configView } from "../../src/admin/config_view.ts";
import { makeServiceAccount } from "../support/fake_google_token.ts";

const DIR = Deno.makeTempDirSync({ prefix: "plexus-clouds-" });
const FILE = join(DIR, "plexus.yaml");

function load(providers: string, env: Record<string, string> = {}) {
  return parseConfigText(`providers:\n${providers}`, FILE, env);
}

function configOf(providers: string, env: Record<string, string> = {}): Config {
  const result = load(providers, env);
  if (!result.ok) assert.fail(`expected a valid config, got ${JSON.stringify(result.problems)}`);
  return result.config;
}

function problemsOf(providers: string, env: Record<string, string> = {}): Problem[] {
  const result = load(providers, env);
  assert.equal(result.ok, false, "expected the config to be rejected");
  return result.ok ? [] : result.problems;
}

const account = await makeServiceAccount("https://oauth2.googleapis.com/token");
const KEY_JSON = JSON.stringify(account.json);
Deno.writeTextFileSync(join(DIR, "sa.json"), KEY_JSON);

Deno.test("an Azure provider needs no base_url: its endpoint is the base", () => {
  const config = configOf(`  az:
    api: chat
    azure: { endpoint: "https://res.openai.azure.com/", api_version: "2024-10-21" }
    api_key: k-123456
`);
  assert.equal(config.providers.az.baseUrl, "https://res.openai.azure.com");
  assert.deepEqual(config.providers.az.cloud, { kind: "azure", apiVersion: "2024-10-21" });
});

Deno.test("an Azure endpoint pasted with its /openai/v1/ API path is taken as the resource root", () => {
  const config = configOf(`  az:
    api: responses
    azure: { endpoint: "https://res.openai.azure.com/openai/v1/" }
    api_key: k-123456
`);
  assert.equal(config.providers.az.baseUrl, "https://res.openai.azure.com");
});

Deno.test("Vertex picks the regional host, or aiplatform.googleapis.com for global", () => {
  const config = configOf(
    `  east:
    api: messages
    vertex: { project: p1, location: us-east5, credentials: sa.json }
  world:
    api: gemini
    vertex: { project: 123456789012, location: global, access_token: ya29.token }
  private:
    api: gemini
    base_url: https://vertex.internal.example/
    vertex: { project: p1, location: europe-west4, credentials: \${SA_JSON} }
`,
    { SA_JSON: KEY_JSON },
  );
  assert.equal(config.providers.east.baseUrl, "https://us-east5-aiplatform.googleapis.com");
  assert.equal(config.providers.world.baseUrl, "https://aiplatform.googleapis.com");
  const world = config.providers.world.cloud;
  assert.ok(world?.kind === "vertex");
  assert.equal(world.project, "123456789012", "a project number is a project too");
  assert.equal(config.providers.private.baseUrl, "https://vertex.internal.example");
  const east = config.providers.east.cloud;
  assert.ok(east?.kind === "vertex" && east.auth.kind === "service_account");
  assert.equal(east.auth.key.clientEmail, account.json.client_email);
  assert.equal(east.auth.key.tokenUri, "https://oauth2.googleapis.com/token");
});

Deno.test("cloud sections are checked against the API and their credentials", () => {
  const problems = problemsOf(`  a:
    api: gemini
    azure: { endpoint: "https://res.openai.azure.com" }
    api_key: k-123456
  b:
    api: chat
    vertex: { project: p, location: us-east5, access_token: t }
  c:
    api: gemini
    vertex: { project: p, location: us-east5 }
  d:
    api: gemini
    vertex: { project: p, location: us-east5, credentials: missing.json }
  e:
    api: messages
    vertex: { project: p, location: us-east5, credentials: '{"type":"service_account","private_key":"x"}' }
  f:
    api: chat
  h:
    api: chat
    azure: { endpoint: "https://res.openai.azure.com", tenant_id: t, client_id: c }
  i:
    api: chat
    azure: { endpoint: "https://res.openai.azure.com", bearer_token: tok-123456 }
    api_key: k-123456
  j:
    api: gemini
    vertex: { project: p, location: us-east5, credentials: '{"type":"authorized_user","client_id":"x"}' }
  g:
    api: chat
    azure: { endpoint: "https://res.openai.azure.com" }
`);
  const at = (path: string) => problems.filter((p) => p.path === path).map((p) => p.message);
  assert.match(at("providers.a.api")[0], /Azure OpenAI serves api: chat or api: responses/);
  assert.match(at("providers.b.api")[0], /Vertex AI serves api: gemini/);
  assert.match(at("providers.c.vertex")[0], /exactly one of credentials/);
  assert.match(at("providers.d.vertex.credentials")[0], /missing\.json is not found/);
  assert.match(at("providers.e.vertex.credentials")[0], /no client_email/);
  assert.match(at("providers.f")[0], /expected base_url/);
  assert.match(at("providers.h.azure")[0], /an Entra application also needs client_secret/);
  assert.match(
    at("providers.i.azure")[0],
    /one way to authenticate, found api_key and azure\.bearer_token/,
  );
  assert.match(
    at("providers.j.vertex.credentials")[0],
    /\(authorized_user\) has no client_secret, refresh_token/,
  );
  assert.match(
    at("providers.g.azure")[0],
    /api_key .*, azure\.bearer_token or an Entra application/,
  );
});

Deno.test("a credential problem never quotes the key", () => {
  const broken = KEY_JSON.replace('"client_email"', '"client_mail"');
  const problems = problemsOf(
    `  v:
    api: gemini
    vertex: { project: p, location: us-east5, credentials: \${SA_JSON} }
`,
    { SA_JSON: broken },
  );
  const text = JSON.stringify(problems);
  assert.match(text, /no client_email/);
  assert.equal(text.includes(account.json.private_key.split("\n")[1]), false);
});

Deno.test("an unset cloud secret disables the provider, as an unset api_key does", () => {
  const config = configOf(`  v:
    api: gemini
    vertex: { project: p, location: us-east5, credentials: \${GOOGLE_APPLICATION_CREDENTIALS} }
  az:
    api: responses
    azure: { endpoint: "https://res.openai.azure.com", bearer_token: \${AZURE_OPENAI_AD_TOKEN} }
`);
  assert.equal(config.providers.v.enabled, false);
  assert.match(config.providers.v.disabledReason ?? "", /vertex\.credentials: GOOGLE_APPLICATION/);
  assert.equal(config.providers.az.enabled, false);
  assert.match(config.warnings.join("\n"), /azure\.bearer_token needs AZURE_OPENAI_AD_TOKEN/);
});

Deno.test("GET /v0/config shows the cloud sections without their credentials", () => {
  const config = configOf(
    `  v:
    api: messages
    vertex: { project: p, location: us-east5, credentials: \${SA_JSON} }
  az:
    api: chat
    azure: { endpoint: "https://res.openai.azure.com", bearer_token: entra-token-123456 }
`,
    { SA_JSON: KEY_JSON },
  );
  const text = JSON.stringify(configView(config));
  assert.equal(text.includes("entra-token-123456"), false);
  assert.equal(text.includes(account.json.private_key.split("\n")[1]), false);
  assert.match(text, /"client_email":"plexus@plexus-test\.iam\.gserviceaccount\.com"/);
  assert.match(text, /"bearer_token":"\[redacted\]"/);
});

Deno.test("the commented cloud examples in config/plexus.yaml are valid once uncommented", () => {
  const path = new URL("../../config/plexus.yaml", import.meta.url).pathname;
  const text = Deno.readTextFileSync(path);
  const start = text.indexOf("  # Clouds");
  const end = text.indexOf("\n# Aliases");
  assert.ok(start > 0 && end > start);
  const block = text.slice(start, end).split("\n")
    .filter((line) => /^ {2}# [a-z-]+:$/.test(line) || line.startsWith("  #   "))
    .map((line) => `  ${line.slice(4)}`)
    .join("\n");
  const result = parseConfigText(`providers:\n${block}\n`, path, {
    AZURE_OPENAI_API_KEY: "k-123456",
  });
  if (!result.ok) assert.fail(JSON.stringify(result.problems));
  const providers = result.config.providers;
  assert.deepEqual(Object.keys(providers), [
    "azure-chat",
    "azure-responses",
    "vertex-gemini",
    "vertex-claude",
  ]);
  assert.equal(providers["azure-chat"].enabled, true);
  assert.equal(providers["vertex-gemini"].enabled, false, "no GOOGLE_APPLICATION_CREDENTIALS");
  assert.equal(providers["vertex-gemini"].baseUrl, "https://us-central1-aiplatform.googleapis.com");
});
