/** `kind: embedding` in plexus.yaml: parsed, and checked against the provider's API and aliases. */
import assert from "node:assert/strict";
import { parseConfigText } from "../../src/config/load.ts";

const FILE = "/etc/plexus/embed.yaml";

function load(providers: string, models = "") {
  return parseConfigText(
    `providers:\n${providers}\n${models === "" ? "" : `models:\n${models}\n`}`,
    FILE,
    {},
  );
}

const OPENAI = `  openai:
    api: chat
    base_url: https://api.openai.com/v1
    api_key: sk-test
    models:
      text-embedding-3-small: { kind: embedding, pricing: { input: 0.02 } }
      gpt-4o-mini: {}`;

Deno.test("a model marked kind: embedding keeps its kind; others have none", () => {
  const result = load(OPENAI);
  if (!result.ok) assert.fail(JSON.stringify(result.problems));
  const models = result.config.providers.openai.models;
  assert.equal(models["text-embedding-3-small"].kind, "embedding");
  assert.deepEqual(models["text-embedding-3-small"].pricing, { input: 0.02 });
  assert.equal(models["gpt-4o-mini"].kind, undefined);
});

Deno.test("an unknown kind lists the valid ones", () => {
  const result = load(OPENAI.replace("kind: embedding", "kind: embeddings"));
  assert.equal(result.ok, false);
  const text = JSON.stringify(!result.ok && result.problems);
  assert.match(text, /kind/);
  assert.match(text, /embedding/);
});

Deno.test("kind: embedding on an Anthropic provider is rejected: it has no embeddings endpoint", () => {
  const result = load(`  claude:
    api: messages
    base_url: https://api.anthropic.com
    models:
      voyage: { kind: embedding }`);
  assert.equal(result.ok, false);
  const problem = !result.ok ? result.problems[0] : undefined;
  assert.equal(problem?.path, "providers.claude.models.voyage.kind");
  assert.match(problem?.message ?? "", /no embeddings endpoint/);
  assert.equal(problem?.line, 6, "the line of the model");
});

Deno.test("an alias mixing embedding and generation models is rejected at the odd target", () => {
  const result = load(
    OPENAI,
    `  mixed:
    targets:
      - { provider: openai, model: text-embedding-3-small }
      - { provider: openai, model: gpt-4o-mini }`,
  );
  assert.equal(result.ok, false);
  const problem = !result.ok ? result.problems[0] : undefined;
  assert.equal(problem?.path, "models.mixed.targets[1].model");
  assert.match(problem?.message ?? "", /one kind of model/);
});
