/** Builds a `Config` in code, for tests that do not exercise the YAML loader. */
import type { ApiName, InboundApiName } from "../../src/codecs/registry.ts";
import type { AliasConfig, Config, ProviderConfig, SelectorName } from "../../src/config/types.ts";
import { DEFAULT_LIMITS } from "../../src/config/limits.ts";

export interface TestProvider {
  api: ApiName;
  baseUrl: string;
  models: string[];
  apiKey?: string;
  enabled?: boolean;
  headers?: Record<string, string>;
  timeouts?: ProviderConfig["timeouts"];
  pricing?: Record<string, ProviderConfig["models"][string]["pricing"]>;
}

export interface TestAlias {
  selector?: SelectorName;
  targets: Array<{ provider: string; model: string; weight?: number }>;
  maxAttempts?: number;
}

export const TEST_KEY = "test-client-key";

/** What a provider's `base_url` ends with for each API, as in the real services' docs. */
export const UPSTREAM_BASE_PATH: Record<InboundApiName, string> = {
  chat: "/v1",
  messages: "",
  responses: "/v1",
  gemini: "/v1beta",
};

/** One provider `p_<api>` per wire API, all on the same fake upstream, each listing `models`. */
export function providerPerApi(fakeUrl: string, models: string[]): Record<string, TestProvider> {
  const apis: InboundApiName[] = ["chat", "messages", "responses", "gemini"];
  return Object.fromEntries(
    apis.map((api) => [`p_${api}`, { api, baseUrl: fakeUrl + UPSTREAM_BASE_PATH[api], models }]),
  );
}

export function testConfig(
  providers: Record<string, TestProvider>,
  aliases: Record<string, TestAlias> = {},
  overrides: Partial<Config> = {},
): Config {
  const built: Record<string, ProviderConfig> = {};
  for (const [name, p] of Object.entries(providers)) {
    built[name] = {
      name,
      api: p.api,
      baseUrl: p.baseUrl.replace(/\/+$/, ""),
      apiKey: p.apiKey ?? `upstream-key-${name}`,
      headers: p.headers ?? {},
      models: Object.fromEntries(p.models.map((m) => [m, { pricing: p.pricing?.[m] }])),
      enabled: p.enabled ?? true,
      timeouts: p.timeouts ?? { firstByteMs: 10_000, idleMs: 10_000 },
      defaultMaxTokens: 4096,
    };
  }
  const models: Record<string, AliasConfig> = {};
  for (const [name, a] of Object.entries(aliases)) {
    models[name] = {
      name,
      selector: a.selector ?? "in_order",
      maxAttempts: a.maxAttempts,
      targets: a.targets.map((t) => ({
        provider: t.provider,
        model: t.model,
        weight: t.weight ?? 1,
        enabled: built[t.provider]?.enabled ?? false,
      })),
    };
  }
  return {
    path: "/tmp/plexus-test.yaml",
    server: {
      host: "127.0.0.1",
      port: 0,
      dataDir: Deno.makeTempDirSync({ prefix: "plexus-test-" }),
      maxBodyBytes: 32 * 1024 * 1024,
      shutdownGraceMs: 2000,
      watchConfig: false,
      trustedProxies: [],
      allowedHosts: [],
    },
    adminKey: "test-admin-key",
    keys: [{ name: "tester", secret: TEST_KEY }],
    allowNoAuth: false,
    providers: built,
    models,
    cooldown: { baseMs: 30_000, maxMs: 600_000 },
    retryOnConnectionReset: true,
    logging: { bodies: false },
    metrics: { public: false },
    limits: { ...DEFAULT_LIMITS },
    state: { store: "file" },
    warnings: [],
    ...overrides,
  };
}
