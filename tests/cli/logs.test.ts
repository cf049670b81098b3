/** `plexus logs`: filters over the day files, JSONL out, and the summary table. */
import assert from "node:assert/strict";
import { runLogs } from "../../src/cli/logs.ts";

const NOW = Date.parse("2026-11-02T12:00:00Z");

function line(fields: Record<string, unknown>): string {
  return JSON.stringify({
    request_id: "r",
    key: "alice",
    provider: "openai",
    model: "gpt",
    model_requested: "fast",
    alias: "fast",
    status: 200,
    usage_source: "provider",
    input_tokens: 10,
    output_tokens: 5,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cost_usd: 0.001,
    duration_ms: 100,
    ...fields,
  });
}

async function setup(): Promise<string> {
  const dir = await Deno.makeTempDir();
  const usage = `${dir}/data/logs/usage`;
  await Deno.mkdir(usage, { recursive: true });
  await Deno.writeTextFile(`${dir}/plexus.yaml`, "server:\n  data_dir: ./data\nproviders: {}\n");
  await Deno.writeTextFile(
    `${usage}/2026-10-30.jsonl`,
    line({ request_id: "old", time: "2026-10-30T08:00:00.000Z" }) + "\n",
  );
  await Deno.writeTextFile(
    `${usage}/2026-11-02.jsonl`,
    [
      line({ request_id: "a", time: "2026-11-02T10:00:00.000Z" }),
      line({
        request_id: "b",
        time: "2026-11-02T11:30:00.000Z",
        key: "bob",
        provider: "anthropic",
        model: "claude",
        status: 429,
        usage_source: "none",
        input_tokens: null,
        output_tokens: null,
        cost_usd: null,
      }),
      line({
        request_id: "c",
        time: "2026-11-02T11:45:00.000Z",
        model: "local",
        provider: "ollama",
        cost_usd: null,
        input_tokens: 7,
      }),
      line({ request_id: "d", time: "2026-11-02T11:50:00.000Z", status: 502 }),
      '{"request_id":"cut-by-a-cra',
    ].join("\n"),
  );
  return `${dir}/plexus.yaml`;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string[] }> {
  let out = "";
  const err: string[] = [];
  const code = await runLogs(args, {}, {
    write: (text) => {
      out += text;
      return Promise.resolve();
    },
    error: (text) => err.push(text),
    now: () => NOW,
  });
  return { code, out, err };
}

function ids(out: string): string[] {
  return out.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l).request_id);
}

Deno.test("without filters every readable line comes out as JSONL, oldest day first", async () => {
  const config = await setup();
  const { code, out, err } = await run(["--config", config]);
  assert.equal(code, 0);
  assert.deepEqual(ids(out), ["old", "a", "b", "c", "d"]);
  assert.match(err.join("\n"), /skipped 1 unreadable line/);
});

Deno.test("--since takes a duration back from now or a UTC day; --until a day includes that day", async () => {
  const config = await setup();
  assert.deepEqual(ids((await run(["-c", config, "--since", "1h"])).out), ["b", "c", "d"]);
  assert.deepEqual(ids((await run(["-c", config, "--since", "2026-11-01"])).out), [
    "a",
    "b",
    "c",
    "d",
  ]);
  assert.deepEqual(ids((await run(["-c", config, "--until", "2026-10-30"])).out), ["old"]);
  assert.deepEqual(
    ids(
      (await run([
        "-c",
        config,
        "--since",
        "2026-11-02T11:00:00Z",
        "--until",
        "2026-11-02T11:46:00Z",
      ])).out,
    ),
    ["b", "c"],
  );
});

Deno.test("--model matches the model, requested model or alias; --provider, --key and --status filter", async () => {
  const config = await setup();
  assert.deepEqual(ids((await run(["-c", config, "--model", "claude"])).out), ["b"]);
  assert.deepEqual(ids((await run(["-c", config, "--model", "fast"])).out), [
    "old",
    "a",
    "b",
    "c",
    "d",
  ]);
  assert.deepEqual(ids((await run(["-c", config, "--provider", "ollama"])).out), ["c"]);
  assert.deepEqual(ids((await run(["-c", config, "--key", "bob"])).out), ["b"]);
  assert.deepEqual(ids((await run(["-c", config, "--status", "4xx"])).out), ["b"]);
  assert.deepEqual(ids((await run(["-c", config, "--status", "5xx"])).out), ["d"]);
  assert.deepEqual(
    ids((await run(["-c", config, "--status", "ok", "--since", "2026-11-02"])).out),
    [
      "a",
      "c",
    ],
  );
  assert.deepEqual(ids((await run(["-c", config, "--status", "429"])).out), ["b"]);
});

Deno.test("--summary totals requests, errors, tokens and cost per model, flagging unpriced ones", async () => {
  const config = await setup();
  const { code, out } = await run(["-c", config, "--summary", "--since", "2026-11-02"]);
  assert.equal(code, 0);
  const rows = out.trim().split("\n").map((l) => l.split(/\s{2,}/));
  assert.deepEqual(rows[0], [
    "model",
    "requests",
    "errors",
    "error_rate",
    "input",
    "output",
    "cache_read",
    "cache_write",
    "cost_usd",
    "p50_ms",
    "p95_ms",
    "p99_ms",
  ]);
  const byGroup = Object.fromEntries(rows.slice(1).map((r) => [r[0], r]));
  assert.deepEqual(byGroup["openai/gpt"].slice(1, 6), ["2", "1", "50.0%", "20", "10"]);
  assert.equal(byGroup["openai/gpt"][8], "$0.0020");
  assert.equal(byGroup["ollama/local"][8], "$0.0000 (+1 unpriced)");
  assert.deepEqual(byGroup["anthropic/claude"].slice(1, 4), ["1", "1", "100.0%"]);
  assert.deepEqual(byGroup.TOTAL.slice(1, 6), ["4", "2", "50.0%", "27", "15"]);
});

Deno.test("--summary --by key groups by client key", async () => {
  const config = await setup();
  const { out } = await run(["-c", config, "--summary", "--by", "key"]);
  const groups = out.trim().split("\n").slice(1).map((l) => l.split(/\s+/).slice(0, 2));
  assert.deepEqual(groups, [["alice", "4"], ["bob", "1"], ["TOTAL", "5"]]);
});

Deno.test("bad arguments exit 2 with a hint", async () => {
  const config = await setup();
  for (
    const args of [["--since", "last-week"], ["--status", "teapot"], ["--bogus"], [
      "--summary",
      "--by",
      "colour",
    ]]
  ) {
    const { code, err } = await run(["-c", config, ...args]);
    assert.equal(code, 2, args.join(" "));
    assert.match(err.join("\n"), /^plexus: /);
  }
});

Deno.test("--summary keeps two providers serving the same model apart and gives p50/p95/p99", async () => {
  const dir = await Deno.makeTempDir();
  const usage = `${dir}/logs/usage`;
  await Deno.mkdir(usage, { recursive: true });
  const lines = [];
  for (let n = 1; n <= 100; n++) {
    lines.push(
      line({
        provider: "openai",
        model: "gpt-4o",
        duration_ms: n,
        time: "2026-11-02T10:00:00.000Z",
      }),
    );
  }
  lines.push(
    line({
      provider: "azure",
      model: "gpt-4o",
      duration_ms: 7,
      status: 503,
      time: "2026-11-02T10:00:00.000Z",
    }),
  );
  await Deno.writeTextFile(`${usage}/2026-11-02.jsonl`, lines.join("\n") + "\n");
  // --data-dir needs no config file.
  const { code, out } = await run(["--data-dir", dir, "--summary", "--since", "today"]);
  assert.equal(code, 0);
  const rows = Object.fromEntries(
    out.trim().split("\n").slice(1).map((l) => l.split(/\s{2,}/)).map((r) => [r[0], r]),
  );
  assert.deepEqual(Object.keys(rows).sort(), ["TOTAL", "azure/gpt-4o", "openai/gpt-4o"]);
  assert.deepEqual(rows["openai/gpt-4o"].slice(-3), ["50", "95", "99"]);
  assert.deepEqual(rows["azure/gpt-4o"].slice(1, 4), ["1", "1", "100.0%"]);
  const yesterday = await run(["--data-dir", dir, "--since", "yesterday", "--until", "yesterday"]);
  assert.equal(yesterday.out, "", "nothing on 2026-11-01");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("logs speaks the same usage-error style as every command", async () => {
  const { code, err } = await run(["--sumary"]);
  assert.equal(code, 2);
  assert.deepEqual(err, [
    'plexus: unknown option --sumary (did you mean "--summary"?); see plexus logs --help',
  ]);
});
