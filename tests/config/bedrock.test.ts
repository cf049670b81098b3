/** `api: bedrock` providers in plexus.yaml: the aws block, the AWS_* fallbacks, API keys. */
import assert from "node:assert/strict";
import { parseConfigText } from "../../src/config/load.ts";
import type { Config } from "../../src/config/types.ts";

const FILE = "/etc/plexus/test.yaml";

function withProvider(provider: string): string {
  return `keys:
  - { name: laptop, secret: s3cret-one }
providers:
  bedrock:
${provider.split("\n").map((line) => `    ${line}`).join("\n")}
    models: { "us.anthropic.claude-sonnet-4-5-20250929-v1:0": {} }
models:
  sonnet:
    targets:
      - { provider: bedrock, model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" }
`;
}

function configOf(text: string, env: Record<string, string> = {}): Config {
  const result = parseConfigText(text, FILE, env);
  if (!result.ok) assert.fail(`expected a valid config, got ${JSON.stringify(result.problems)}`);
  return result.config;
}

const FROM_ENV = `api: bedrock
aws:
  region: us-east-1
  access_key_id: \${AWS_ACCESS_KEY_ID}
  secret_access_key: \${AWS_SECRET_ACCESS_KEY}
  session_token: "\${AWS_SESSION_TOKEN:-}"`;

Deno.test("bedrock config: credentials through ${ENV}, the regional endpoint by default", () => {
  const config = configOf(withProvider(FROM_ENV), {
    AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
  });
  const provider = config.providers.bedrock;
  assert.equal(provider.enabled, true);
  assert.equal(provider.baseUrl, "https://bedrock-runtime.us-east-1.amazonaws.com");
  assert.deepEqual(provider.aws, {
    region: "us-east-1",
    accessKeyId: "AKIAEXAMPLE",
    secretAccessKey: "secret",
  });
  assert.equal(provider.apiKey, undefined);
});

Deno.test("bedrock config: without an aws block the standard AWS_* variables are read", () => {
  const config = configOf(withProvider("api: bedrock"), {
    AWS_REGION: "eu-central-1",
    AWS_ACCESS_KEY_ID: "AKIA2",
    AWS_SECRET_ACCESS_KEY: "s2",
    AWS_SESSION_TOKEN: "tok",
  });
  assert.deepEqual(config.providers.bedrock.aws, {
    region: "eu-central-1",
    accessKeyId: "AKIA2",
    secretAccessKey: "s2",
    sessionToken: "tok",
  });
  assert.equal(
    config.providers.bedrock.baseUrl,
    "https://bedrock-runtime.eu-central-1.amazonaws.com",
  );
});

Deno.test("bedrock config: unset credentials disable the provider with a warning, not an error", () => {
  const config = configOf(withProvider(FROM_ENV));
  assert.equal(config.providers.bedrock.enabled, false);
  assert.match(
    config.warnings.join("\n"),
    /provider bedrock is disabled: it needs AWS credentials/,
  );
});

Deno.test("bedrock config: an API key (YAML or AWS_BEARER_TOKEN_BEDROCK) and base_url for tests", () => {
  const yamlKey = configOf(
    withProvider("api: bedrock\napi_key: ABSKkey\nbase_url: http://127.0.0.1:9999/"),
    { AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s" },
  ).providers.bedrock;
  assert.equal(yamlKey.apiKey, "ABSKkey");
  assert.equal(yamlKey.aws, undefined);
  assert.equal(yamlKey.baseUrl, "http://127.0.0.1:9999");
  const envKey = configOf(withProvider("api: bedrock\naws: { region: us-west-2 }"), {
    AWS_BEARER_TOKEN_BEDROCK: "ABSKenv",
  }).providers.bedrock;
  assert.equal(envKey.apiKey, "ABSKenv");
  assert.equal(envKey.baseUrl, "https://bedrock-runtime.us-west-2.amazonaws.com");
});

Deno.test("bedrock config: SigV4 without a region is disabled; aws on another API is an error", () => {
  const config = configOf(withProvider("api: bedrock"), {
    AWS_ACCESS_KEY_ID: "AKIA",
    AWS_SECRET_ACCESS_KEY: "s",
  });
  assert.equal(config.providers.bedrock.enabled, false);
  assert.match(config.providers.bedrock.disabledReason ?? "", /needs a region/);
  const result = parseConfigText(
    withProvider("api: chat\nbase_url: https://x.example/v1\naws: { region: us-east-1 }"),
    FILE,
    {},
  );
  assert.equal(result.ok, false);
  assert.match(JSON.stringify(!result.ok && result.problems), /aws is only for api: bedrock/);
  const noUrl = parseConfigText(withProvider("api: chat"), FILE, {});
  assert.equal(noUrl.ok, false);
  assert.match(JSON.stringify(!noUrl.ok && noUrl.problems), /base_url/);
});
