/** The benchmark's scenarios, the request each one sends, and the gateway config they need. */

export type BenchApi = "chat" | "messages";

export interface Scenario {
  name: string;
  /** True: the load generator talks to the fake upstream itself (the baseline). */
  direct: boolean;
  apiIn: BenchApi;
  /** The API the fake upstream is asked in; equal to `apiIn` for pass-through and direct rows. */
  apiOut: BenchApi;
  stream: boolean;
}

export const PATHS: Record<BenchApi, string> = {
  chat: "/v1/chat/completions",
  messages: "/v1/messages",
};

/** The model the fake upstream is asked for, and the aliases that route to each upstream API. */
export const UPSTREAM_MODEL = "bench-model";
export const SLOW_UPSTREAM_MODEL = "bench-slow";
export const ALIAS: Record<BenchApi, string> = { chat: "to-chat", messages: "to-messages" };
export const SLOW_ALIAS: Record<BenchApi, string> = {
  chat: "to-chat-slow",
  messages: "to-messages-slow",
};
export const CLIENT_KEY = "bench-client-key";

function scenarioName(apiIn: BenchApi, apiOut: BenchApi, stream: boolean, direct: boolean): string {
  const route = direct ? `direct ${apiIn}` : `${apiIn}→${apiOut}`;
  return stream ? `${route} stream` : route;
}

/** Direct baselines first, then pass-through, then translated; each plain and streamed. */
export function allScenarios(): Scenario[] {
  const out: Scenario[] = [];
  const add = (direct: boolean, apiIn: BenchApi, apiOut: BenchApi) => {
    for (const stream of [false, true]) {
      out.push({
        name: scenarioName(apiIn, apiOut, stream, direct),
        direct,
        apiIn,
        apiOut,
        stream,
      });
    }
  };
  add(true, "chat", "chat");
  add(true, "messages", "messages");
  add(false, "chat", "chat");
  add(false, "messages", "messages");
  add(false, "messages", "chat");
  add(false, "chat", "messages");
  return out;
}

/** The direct scenario a gateway scenario is compared with: same upstream API, same streaming. */
export function baselineOf(scenario: Scenario, all: readonly Scenario[]): Scenario | undefined {
  return all.find((s) => s.direct && s.apiIn === scenario.apiOut && s.stream === scenario.stream);
}

/** A short multi-turn conversation, as a client SDK would send it. */
export function requestBody(api: BenchApi, model: string, stream: boolean): string {
  const turns = [
    { role: "user", content: "What is the capital of France?" },
    { role: "assistant", content: "Paris." },
    { role: "user", content: "Name twenty words about it, one per line." },
  ];
  if (api === "chat") {
    return JSON.stringify({
      model,
      messages: [{ role: "system", content: "You are a terse assistant." }, ...turns],
      max_tokens: 256,
      temperature: 0.2,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    });
  }
  return JSON.stringify({
    model,
    max_tokens: 256,
    system: "You are a terse assistant.",
    messages: turns,
    temperature: 0.2,
    stream,
  });
}

/** The model a scenario's request names: the upstream's own, or the alias routing to it. */
export function modelFor(scenario: Scenario): string {
  return scenario.direct ? UPSTREAM_MODEL : ALIAS[scenario.apiOut];
}

/**
 * A gateway config (JSON is valid YAML) with one provider per upstream API, both on the fake
 * upstream, and aliases to reach them.
 */
export function gatewayConfig(port: number, upstreamPort: number, dataDir: string): string {
  const base = `http://127.0.0.1:${upstreamPort}`;
  const models = { [UPSTREAM_MODEL]: {}, [SLOW_UPSTREAM_MODEL]: {} };
  const alias = (provider: string, model: string) => ({
    selector: "in_order",
    targets: [{ provider, model }],
  });
  return JSON.stringify(
    {
      server: { host: "127.0.0.1", port, data_dir: dataDir },
      keys: [{ name: "bench", secret: CLIENT_KEY }],
      providers: {
        "fake-chat": { api: "chat", base_url: `${base}/v1`, api_key: "upstream-key", models },
        "fake-messages": { api: "messages", base_url: base, api_key: "upstream-key", models },
      },
      models: {
        [ALIAS.chat]: alias("fake-chat", UPSTREAM_MODEL),
        [ALIAS.messages]: alias("fake-messages", UPSTREAM_MODEL),
        [SLOW_ALIAS.chat]: alias("fake-chat", SLOW_UPSTREAM_MODEL),
        [SLOW_ALIAS.messages]: alias("fake-messages", SLOW_UPSTREAM_MODEL),
      },
    },
    null,
    2,
  );
}
