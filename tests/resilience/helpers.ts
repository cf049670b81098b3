/** Shared set-up for the resilience tests: one fake upstream, aliases over its models. */
import type { Config } from "../../src/config/types.ts";
import { TEST_KEY, type TestAlias, testConfig, type TestProvider } from "../support/config.ts";
import type { FakeReply, RecordedRequest } from "../support/fake_upstream.ts";

export const OK: FakeReply = { kind: "scenario", scenario: {} };

/** A chat provider at `url` serving `models`, with short timeouts for tests. */
export function chatProvider(
  url: string,
  models: string[],
  timeouts: TestProvider["timeouts"] = { firstByteMs: 2000, idleMs: 2000 },
): TestProvider {
  return { api: "chat", baseUrl: `${url}/v1`, models, timeouts };
}

/** One chat provider `p` with `models` and alias `a` over them in order. */
export function aliasConfig(
  url: string,
  models: string[],
  alias: Partial<TestAlias> = {},
  overrides: Partial<Config> = {},
): Config {
  return testConfig(
    { p: chatProvider(url, models) },
    { a: { targets: models.map((model) => ({ provider: "p", model })), ...alias } },
    { cooldown: { baseMs: 60_000, maxMs: 600_000 }, ...overrides },
  );
}

/** Answers per model name; models not listed get the canned answer. */
export function byModel(replies: Record<string, FakeReply>): (r: RecordedRequest) => FakeReply {
  return (request) => replies[request.model ?? ""] ?? OK;
}

export function chatBody(model: string, stream = false): string {
  return JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] });
}

export function postChat(base: string, model: string, stream = false): Promise<Response> {
  return fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_KEY}`, "content-type": "application/json" },
    body: chatBody(model, stream),
  });
}

export function models(requests: RecordedRequest[]): Array<string | undefined> {
  return requests.map((r) => r.model);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
