/** Who may use `/v0`: the admin key, in a header, and nobody at all without one configured. */
import assert from "node:assert/strict";
import { testConfig } from "../support/config.ts";
import { startGateway } from "../support/gateway.ts";
import { errorOf, getJson } from "./helpers.ts";

const PATHS = ["/v0/config", "/v0/state", "/v0/logs", "/v0/events", "/v0/nope", "/v0"];

function config(adminKey: string | undefined) {
  return testConfig(
    { p: { api: "chat", baseUrl: "http://127.0.0.1:9/v1", models: ["m"] } },
    {},
    { adminKey },
  );
}

Deno.test("every /v0 path answers 401 without the admin key or with a wrong one", async () => {
  const gateway = await startGateway(config("admin-secret-1"));
  try {
    for (const path of PATHS) {
      const attempts: Array<Record<string, string>> = [
        {},
        { authorization: "Bearer wrong" },
        { "x-api-key": "wrong" },
        { authorization: "Bearer test-client-key" },
      ];
      for (const headers of attempts) {
        const { status, body } = await getJson(`${gateway.url}${path}`, headers);
        assert.equal(status, 401, `${path} with ${JSON.stringify(headers)}`);
        assert.equal(errorOf(body).type, "authentication_error");
      }
    }
    const query = await getJson(`${gateway.url}/v0/config?key=admin-secret-1`, {});
    assert.equal(query.status, 401, "the admin key is not accepted in the query string");
  } finally {
    await gateway.close();
  }
});

Deno.test("the admin key is accepted as a bearer token and as x-api-key", async () => {
  const gateway = await startGateway(config("admin-secret-2"));
  try {
    const bearer = await getJson(`${gateway.url}/v0/state`, {
      authorization: "Bearer admin-secret-2",
    });
    assert.equal(bearer.status, 200);
    const header = await getJson(`${gateway.url}/v0/state`, { "x-api-key": "admin-secret-2" });
    assert.equal(header.status, 200);
  } finally {
    await gateway.close();
  }
});

Deno.test("without an admin key configured every /v0 path answers 403 and says how to enable it", async () => {
  const gateway = await startGateway(config(undefined));
  try {
    for (const path of PATHS) {
      const { status, body } = await getJson(`${gateway.url}${path}`, {
        authorization: "Bearer anything",
      });
      assert.equal(status, 403, path);
      const error = errorOf(body);
      assert.equal(error.type, "permission_error");
      assert.match(error.message, /disabled/);
      assert.match(error.message, /admin_key/);
    }
  } finally {
    await gateway.close();
  }
});

Deno.test("an unknown admin path is 404 and a wrong method is 405 with Allow", async () => {
  const cfg = config("admin-secret-3");
  const gateway = await startGateway(cfg);
  const admin = { authorization: "Bearer admin-secret-3" };
  try {
    const missing = await getJson(`${gateway.url}/v0/nothing-here`, admin);
    assert.equal(missing.status, 404);
    assert.equal(errorOf(missing.body).type, "not_found_error");

    const post = await getJson(`${gateway.url}/v0/config`, admin, "POST");
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, PUT");
    assert.equal(errorOf(post.body).type, "invalid_request_error");

    const getCooldowns = await getJson(`${gateway.url}/v0/state/cooldowns`, admin);
    assert.equal(getCooldowns.status, 405);
    assert.equal(getCooldowns.headers.get("allow"), "DELETE");
  } finally {
    await gateway.close();
  }
});

Deno.test("detailed health still takes the admin key after the check moved to src/admin", async () => {
  const gateway = await startGateway(config("admin-secret-4"));
  try {
    const denied = await fetch(`${gateway.url}/health?detail=true`);
    assert.equal(denied.status, 401);
    await denied.body?.cancel();
    const granted = await fetch(`${gateway.url}/health?detail=true`, {
      headers: { "x-api-key": "admin-secret-4" },
    });
    assert.equal(granted.status, 200);
    await granted.body?.cancel();
  } finally {
    await gateway.close();
  }
});
