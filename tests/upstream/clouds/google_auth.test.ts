/**
 * Vertex access tokens from a service-account key, against a fake Google token endpoint that
 * verifies the RS256 signature and claims of every assertion.
 */
import assert from "node:assert/strict";
import type { ServiceAccountKey } from "../../../src/config/clouds.ts";
import { googleTokensFor } from "../../../src/upstream/clouds/google_auth.ts";
import { viaFetch } from "../../../src/upstream/transport.ts";
import {
  type FakeTokenEndpoint,
  makeServiceAccount,
  startFakeTokenEndpoint,
  type TestServiceAccount,
} from "../../support/fake_google_token.ts";
import { unusedPort } from "../../support/fake_upstream.ts";

function keyOf(account: TestServiceAccount): ServiceAccountKey {
  return {
    clientEmail: account.json.client_email,
    privateKey: account.json.private_key,
    privateKeyId: account.json.private_key_id,
    tokenUri: account.json.token_uri,
  };
}

async function withEndpoint(
  fn: (
    endpoint: FakeTokenEndpoint,
    key: ServiceAccountKey,
    account: TestServiceAccount,
  ) => Promise<void>,
): Promise<void> {
  const endpoint = startFakeTokenEndpoint();
  try {
    const account = await makeServiceAccount(endpoint.tokenUri);
    endpoint.trust(account);
    await fn(endpoint, keyOf(account), account);
  } finally {
    await endpoint.close();
  }
}

async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("a token is fetched once with a verified assertion and reused while it is fresh", async () => {
  await withEndpoint(async (endpoint, key) => {
    const tokens = googleTokensFor({ kind: "service_account", key });
    const first = await tokens.token(viaFetch);
    const second = await tokens.token(viaFetch);
    assert.ok(first.ok && second.ok);
    assert.equal(first.token, second.token);
    assert.equal(endpoint.requests.length, 1);
    assert.equal(endpoint.grants.length, 1);
    const { claims } = endpoint.grants[0];
    assert.equal(claims.scope, "https://www.googleapis.com/auth/cloud-platform");
    assert.equal(claims.aud, endpoint.tokenUri);
  });
});

Deno.test("concurrent callers without a token share one exchange", async () => {
  await withEndpoint(async (endpoint, key) => {
    const tokens = googleTokensFor({ kind: "service_account", key });
    const results = await Promise.all(Array.from({ length: 8 }, () => tokens.token(viaFetch)));
    assert.ok(results.every((result) => result.ok));
    assert.equal(new Set(results.map((result) => result.ok ? result.token : "")).size, 1);
    assert.equal(endpoint.requests.length, 1);
  });
});

Deno.test("a token near its end is still handed out while one renewal runs in the background", async () => {
  await withEndpoint(async (endpoint, key) => {
    endpoint.expiresIn = 200; // inside the five-minute refresh window, well above 30 s
    const tokens = googleTokensFor({ kind: "service_account", key });
    const first = await tokens.token(viaFetch);
    endpoint.expiresIn = 3599; // the renewal's token is fresh: no further renewals
    const [second, third] = await Promise.all([tokens.token(viaFetch), tokens.token(viaFetch)]);
    assert.ok(first.ok && second.ok && third.ok);
    assert.equal(second.token, first.token, "no waiting for the renewal");
    assert.equal(third.token, first.token);
    // The renewal lands in the cache once its answer is read; poll rather than guess how long.
    let renewed = await tokens.token(viaFetch);
    await eventually(() => {
      tokens.token(viaFetch).then((result) => (renewed = result));
      return renewed.ok && renewed.token !== first.token;
    });
    assert.equal(endpoint.requests.length, 2, "one background renewal for both callers");
  });
});

Deno.test("a token with under 30 s left is not used: callers wait for a new one", async () => {
  await withEndpoint(async (endpoint, key) => {
    endpoint.expiresIn = 20;
    const tokens = googleTokensFor({ kind: "service_account", key });
    const first = await tokens.token(viaFetch);
    const second = await tokens.token(viaFetch);
    assert.ok(first.ok && second.ok);
    assert.notEqual(second.token, first.token);
    assert.equal(endpoint.requests.length, 2);
  });
});

Deno.test("a refused exchange fails with the endpoint's reason, is held for a moment, then retried", async () => {
  await withEndpoint(async (endpoint, key, account) => {
    endpoint.failWith = {
      status: 400,
      error: "invalid_grant",
      description: "Invalid JWT Signature.",
    };
    const tokens = googleTokensFor({ kind: "service_account", key });
    const first = await tokens.token(viaFetch);
    const held = await tokens.token(viaFetch);
    assert.ok(!first.ok && !held.ok);
    assert.match(
      first.message,
      /Vertex AI access token for plexus@.* HTTP 400 \(invalid_grant: Invalid JWT Signature\.\)/,
    );
    assert.equal(held.message, first.message);
    assert.equal(endpoint.requests.length, 1, "no second exchange right after a failure");
    assert.equal(first.message.includes(account.json.private_key.split("\n")[1]), false);
    endpoint.failWith = undefined;
    const later = await tokens.token(viaFetch, Date.now() + 6000);
    assert.ok(later.ok);
    assert.equal(endpoint.requests.length, 2);
  });
});

Deno.test("an unreachable token endpoint is a failure that names it", async () => {
  const account = await makeServiceAccount(`http://127.0.0.1:${unusedPort()}/token`);
  const result = await googleTokensFor({ kind: "service_account", key: keyOf(account) }).token(
    viaFetch,
  );
  assert.ok(!result.ok);
  assert.match(result.message, /failed: the token endpoint could not be reached/);
  assert.match(result.message, /127\.0\.0\.1/);
});

Deno.test("a private key that is not RSA PKCS#8 fails without quoting it", async () => {
  const account = await makeServiceAccount("http://127.0.0.1:9/token");
  const garbage = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=";
  const key = {
    ...keyOf(account),
    privateKey: `-----BEGIN PRIVATE KEY-----\n${garbage}\n-----END PRIVATE KEY-----\n`,
  };
  const result = await googleTokensFor({ kind: "service_account", key: key }).token(viaFetch);
  assert.ok(!result.ok);
  assert.match(result.message, /private_key is not an RSA key in PKCS#8 PEM form/);
  assert.equal(result.message.includes(garbage), false);
});
