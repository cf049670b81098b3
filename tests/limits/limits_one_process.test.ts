/**
 * Scopes, rate limits, concurrency, token limits and budgets with the file store, in one real
 * Plexus process against the fake upstream: the exact number of requests gets through.
 */
import assert from "node:assert/strict";
import type { ClientKey, RateLimits } from "../../src/config/types.ts";
import { testConfig } from "../support/config.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake_upstream.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

const ALICE = "alice-secret";

/** Output only is priced ($2000 per 1M tokens): a 5-token answer costs exactly $0.01. */
async function setUp(
  keyLimits: RateLimits | undefined,
  options: { models?: string[]; aliasLimits?: RateLimits } = {},
): Promise<{ fake: FakeUpstream; gw: TestGateway; close(): Promise<void> }> {
  const fake = await startFakeUpstream();
  const config = testConfig(
    {
      up: {
        api: "chat",
        baseUrl: fake.url + "/v1",
        models: ["m1", "m2"],
        pricing: { m1: { input: 0, output: 2000 }, m2: { input: 0, output: 2000 } },
      },
    },
    {
      smart: { targets: [{ provider: "up", model: "m1" }] },
      cheap: { targets: [{ provider: "up", model: "m2" }] },
    },
  );
  const alice: ClientKey = {
    name: "alice",
    secret: ALICE,
    ...(options.models === undefined ? {} : { models: options.models }),
    ...(keyLimits === undefined ? {} : { limits: keyLimits }),
  };
  config.keys.push(alice);
  if (options.aliasLimits !== undefined) config.models.smart.limits = options.aliasLimits;
  const gw = await startGateway(config);
  return {
    fake,
    gw,
    close: async () => {
      await gw.close();
      await fake.close();
    },
  };
}

function chat(gw: TestGateway, model = "smart", secret = ALICE): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });
}

async function statuses(responses: Promise<Response>[]): Promise<Response[]> {
  const done = await Promise.all(responses);
  await Promise.all(done.map((r) => r.body?.cancel()));
  return done;
}

function count(responses: Response[], status: number): number {
  return responses.filter((r) => r.status === status).length;
}

Deno.test("a model outside the key's scope is a 403 in the caller's dialect naming the alias", async () => {
  const t = await setUp(undefined, { models: ["cheap", "sm*x"] });
  try {
    const chatAnswer = await chat(t.gw, "smart");
    assert.deepStrictEqual(chatAnswer.status, 403);
    const chatBody = await chatAnswer.json();
    assert.match(chatBody.error.message, /'smart'/);
    assert.deepStrictEqual(chatBody.error.code, "model_not_allowed");
    const messages = await fetch(`${t.gw.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": ALICE, "content-type": "application/json" },
      body: JSON.stringify({
        model: "smart",
        max_tokens: 5,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    assert.deepStrictEqual(messages.status, 403);
    const messagesBody = await messages.json();
    assert.deepStrictEqual(messagesBody.type, "error");
    assert.deepStrictEqual(messagesBody.error.type, "permission_error");
    assert.match(messagesBody.error.message, /'smart'/);
    assert.deepStrictEqual((await statuses([chat(t.gw, "cheap")]))[0].status, 200);
    const records = await t.gw.waitForRecords(3);
    assert.deepStrictEqual(records.map((r) => r.refused ?? null), ["scope", "scope", null]);
    assert.deepStrictEqual(t.fake.requests.length, 1, "refused requests never reach the provider");
  } finally {
    await t.close();
  }
});

Deno.test("requests_per_minute lets exactly the limit through under concurrent load", async () => {
  const t = await setUp({ requestsPerMinute: 5 });
  try {
    const answers = await statuses(Array.from({ length: 12 }, () => chat(t.gw)));
    assert.deepStrictEqual(count(answers, 200), 5);
    assert.deepStrictEqual(count(answers, 429), 7);
    const refused = answers.find((r) => r.status === 429)!;
    assert.deepStrictEqual(refused.headers.get("x-ratelimit-limit-requests"), "5");
    assert.deepStrictEqual(refused.headers.get("x-ratelimit-remaining-requests"), "0");
    assert.match(
      refused.headers.get("x-ratelimit-reset-requests") ?? "",
      /^\d+(\.\d+)?m?s$|^\d+m\d+s$/,
    );
    const retryAfter = Number(refused.headers.get("retry-after"));
    assert(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
    const ok = answers.find((r) => r.status === 200)!;
    assert.deepStrictEqual(ok.headers.get("x-ratelimit-limit-requests"), "5");
    const records = await t.gw.waitForRecords(12);
    assert.deepStrictEqual(records.filter((r) => r.refused === "requests").length, 7);
    assert.deepStrictEqual(t.fake.requests.length, 5);
    const metrics = await fetch(`${t.gw.url}/metrics`, {
      headers: { authorization: "Bearer test-admin-key" },
    }).then((r) => r.text());
    assert.match(metrics, /plexus_refusals_total\{key="alice",reason="requests"\} 7/);
  } finally {
    await t.close();
  }
});

Deno.test("max_concurrent holds exactly: the rest are refused while the first are in flight", async () => {
  const t = await setUp({ maxConcurrent: 2 });
  try {
    t.fake.setDefault({ kind: "delay", ms: 300, then: { kind: "scenario", scenario: {} } });
    const answers = await statuses(Array.from({ length: 6 }, () => chat(t.gw)));
    assert.deepStrictEqual(count(answers, 200), 2);
    const refused = answers.filter((r) => r.status === 429);
    assert.deepStrictEqual(refused.length, 4);
    // Once they finished, the slots are free again.
    assert.deepStrictEqual((await statuses([chat(t.gw), chat(t.gw)])).map((r) => r.status), [
      200,
      200,
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("a budget under concurrent load: exactly budget / cost requests get through", async () => {
  // $0.10 a month; each request reserves and costs exactly $0.01 (5 output tokens at $2000/1M).
  const t = await setUp({ budget: { usd: 0.1, period: "month" } });
  try {
    const answers = await statuses(Array.from({ length: 30 }, () => chat(t.gw)));
    assert.deepStrictEqual(count(answers, 200), 10);
    assert.deepStrictEqual(count(answers, 429), 20);
    const again = await chat(t.gw);
    assert.deepStrictEqual(again.status, 429);
    const body = await again.json();
    assert.match(body.error.message, /Budget exhausted for key 'alice': \$0\.10 per month/);
    assert.match(body.error.message, /resets at \d{4}-\d{2}-01T00:00:00\.000Z/);
    assert.deepStrictEqual(body.error.code, "insufficient_quota");
    const records = await t.gw.waitForRecords(31);
    assert.deepStrictEqual(records.filter((r) => r.refused === "budget").length, 21);
  } finally {
    await t.close();
  }
});

Deno.test("a budget's largest overshoot is one request's reservation", async () => {
  // Each request costs $0.03: admitted at $0, $0.03, $0.06 and $0.09 (under $0.10), then refused.
  const t = await setUp({ budget: { usd: 0.1, period: "day" } });
  try {
    t.fake.setDefault({ kind: "scenario", scenario: { usage: { input: 3, output: 15 } } });
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${t.gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${ALICE}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: "smart",
          max_tokens: 15,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      answers.push(response.status);
      await response.body?.cancel();
      await t.gw.waitForRecords(i + 1);
    }
    assert.deepStrictEqual(answers, [200, 200, 200, 200, 429, 429]);
    const alice = await fetch(`${t.gw.url}/v0/keys/alice`, {
      headers: { authorization: "Bearer test-admin-key" },
    }).then((r) => r.json());
    const spent = alice.usage.budget.spent_usd;
    assert.equal(spent, 0.12);
    assert.ok(spent > 0.1 && spent - 0.1 < 0.03, "overshoot below one request's reservation");
    assert.equal(alice.usage.budget.remaining_usd, 0);
  } finally {
    await t.close();
  }
});

Deno.test("tokens_per_minute counts real usage and reports the token headers", async () => {
  // The fake answers 12 input + 5 output tokens: admitted at 0, 17 and 34 (under 40), then refused.
  const t = await setUp({ tokensPerMinute: 40 });
  try {
    const answers: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await chat(t.gw);
      answers.push(last.status);
      await last.body?.cancel();
      await t.gw.waitForRecords(i + 1);
    }
    assert.deepStrictEqual(answers, [200, 200, 200, 429, 429]);
    assert.deepStrictEqual(last!.headers.get("x-ratelimit-limit-tokens"), "40");
    assert.deepStrictEqual(last!.headers.get("x-ratelimit-remaining-tokens"), "0");
  } finally {
    await t.close();
  }
});

Deno.test("an alias's limits count every key together", async () => {
  const t = await setUp(undefined, { aliasLimits: { requestsPerMinute: 3 } });
  try {
    const answers = await statuses([
      chat(t.gw, "smart"),
      chat(t.gw, "smart", "test-client-key"),
      chat(t.gw, "smart"),
      chat(t.gw, "smart", "test-client-key"),
      chat(t.gw, "cheap"),
    ]);
    assert.deepStrictEqual(count(answers, 200), 4, "three for the alias, one for another alias");
    const refused = answers.find((r) => r.status === 429)!;
    const body = await t.gw.waitForRecords(5);
    assert.deepStrictEqual(body.filter((r) => r.refused === "requests").length, 1);
    assert.deepStrictEqual(refused.headers.get("x-ratelimit-limit-requests"), "3");
    const state = await fetch(`${t.gw.url}/v0/state`, {
      headers: { authorization: "Bearer test-admin-key" },
    }).then((r) => r.json());
    assert.deepStrictEqual(state.alias_limits, [{
      alias: "smart",
      limits: {
        requests_per_minute: 3,
        tokens_per_minute: null,
        max_concurrent: null,
        budget: null,
      },
      usage: { requests_per_minute: { limit: 3, used: 3 } },
    }]);
  } finally {
    await t.close();
  }
});

Deno.test("the admin key is not a client key", async () => {
  const t = await setUp({ budget: { usd: 0.01, period: "total" } });
  try {
    const answer = await chat(t.gw, "smart", "test-admin-key");
    assert.deepStrictEqual(answer.status, 401);
    await answer.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("a key with a scope lists only the models it may use", async () => {
  const t = await setUp(undefined, { models: ["cheap"] });
  try {
    const listed = await fetch(`${t.gw.url}/v1/models`, {
      headers: { authorization: `Bearer ${ALICE}` },
    }).then((r) => r.json());
    assert.deepStrictEqual(listed.data.map((m: { id: string }) => m.id), ["cheap"]);
    const hidden = await fetch(`${t.gw.url}/v1/models/smart`, {
      headers: { authorization: `Bearer ${ALICE}` },
    });
    assert.equal(hidden.status, 404);
    await hidden.body?.cancel();
  } finally {
    await t.close();
  }
});
