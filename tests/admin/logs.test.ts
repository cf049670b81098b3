/** `GET /v0/logs`: the newest usage log lines, filtered like `plexus logs`, newest last. */
import assert from "node:assert/strict";
import { newestLogLines } from "../../src/admin/logs.ts";
import { startServer } from "../../src/http/server.ts";
import { usageLogDir } from "../../src/usage/day_file.ts";
import { aliasConfig, OK, postChat } from "../resilience/helpers.ts";
import { startFakeUpstream } from "../support/fake_upstream.ts";
import { adminHeaders, errorOf, getJson, isRecord, sleep } from "./helpers.ts";

function linesOf(body: unknown): Array<Record<string, unknown>> {
  assert.ok(isRecord(body) && Array.isArray(body.data), "a {data: [...]} body");
  return body.data.filter(isRecord);
}

Deno.test("/v0/logs returns the logged requests, filtered by status, model, provider, time and limit", async () => {
  const fake = await startFakeUpstream();
  fake.setDefault(OK);
  const config = aliasConfig(fake.url, ["m1"]);
  const server = await startServer(config);
  const base = `http://127.0.0.1:${server.addr.port}`;
  const admin = adminHeaders(config);
  const logs = async (query: string) => {
    const { status, body } = await getJson(`${base}/v0/logs${query}`, admin);
    assert.equal(status, 200, query);
    return linesOf(body);
  };
  try {
    const ids: string[] = [];
    for (const model of ["a", "nope", "a"]) {
      const response = await postChat(base, model);
      ids.push(response.headers.get("x-request-id") ?? "");
      await response.body?.cancel();
    }
    // The usage log writes at most a second after a request finished.
    const deadline = Date.now() + 5000;
    while ((await logs("")).length < 3 && Date.now() < deadline) await sleep(100);

    const all = await logs("");
    assert.deepEqual(all.map((l) => l.request_id), ids, "every request, newest last");
    assert.deepEqual(
      (await logs("?status=4xx")).map((l) => l.model_requested),
      ["nope"],
    );
    assert.deepEqual((await logs("?status=ok")).map((l) => l.request_id), [ids[0], ids[2]]);
    assert.deepEqual((await logs("?model=a")).map((l) => l.request_id), [ids[0], ids[2]]);
    assert.deepEqual((await logs("?provider=p&model=m1")).length, 2);
    assert.deepEqual((await logs("?limit=1")).map((l) => l.request_id), [ids[2]]);
    assert.equal((await logs("?since=1h")).length, 3);
    assert.equal((await logs("?until=2000-01-01")).length, 0);
    assert.equal((await logs("?key=someone-else")).length, 0);
    assert.equal((await logs("?key=tester")).length, 3);
  } finally {
    await server.shutdown();
    await fake.close();
  }
});

Deno.test("/v0/logs rejects a bad limit, status or time with a 400 that says what it expected", async () => {
  const config = aliasConfig("http://127.0.0.1:9", ["m1"]);
  const server = await startServer(config);
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    for (
      const [query, expected] of [
        ["limit=0", /limit/],
        ["limit=1001", /1000/],
        ["limit=ten", /limit/],
        ["status=bad", /status/],
        ["since=last-week", /since/],
        ["since=99999999999w", /since/],
        ["until=99999999999w", /until/],
      ] as const
    ) {
      const { status, body } = await getJson(`${base}/v0/logs?${query}`, adminHeaders(config));
      assert.equal(status, 400, query);
      const error = errorOf(body);
      assert.equal(error.type, "invalid_request_error");
      assert.match(error.message, expected);
    }
  } finally {
    await server.shutdown();
  }
});

function line(id: string, time: string, status = 200): string {
  return JSON.stringify({ request_id: id, time, status, model: "m" }) + "\n";
}

Deno.test("the newest lines are taken across day files, oldest of them first", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "plexus-admin-logs-" });
  const dir = usageLogDir(dataDir);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/2026-01-01.jsonl`,
    line("d1-a", "2026-01-01T10:00:00Z") + line("d1-b", "2026-01-01T11:00:00Z") +
      line("d1-c", "2026-01-01T12:00:00Z", 500),
  );
  await Deno.writeTextFile(
    `${dir}/2026-01-02.jsonl`,
    line("d2-a", "2026-01-02T10:00:00Z") + '{"cut by a cra' + "\n" +
      line("d2-b", "2026-01-02T11:00:00Z"),
  );
  const ids = async (limit: number, status?: string) =>
    (await newestLogLines(dataDir, { query: { status }, limit }))
      .map((l) => (isRecord(l) ? l.request_id : undefined));

  assert.deepEqual(await ids(3), ["d1-c", "d2-a", "d2-b"]);
  assert.deepEqual(await ids(2), ["d2-a", "d2-b"]);
  assert.deepEqual(await ids(100), ["d1-a", "d1-b", "d1-c", "d2-a", "d2-b"]);
  assert.deepEqual(await ids(2, "ok"), ["d2-a", "d2-b"]);
  assert.deepEqual(await ids(10, "5xx"), ["d1-c"]);
  assert.deepEqual(await newestLogLines(`${dataDir}/missing`, { query: {}, limit: 5 }), []);
});
