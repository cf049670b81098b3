/** A real config file and a server started from it, for the reload tests. */
import { loadConfig } from "../../src/config/load.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

export const ADMIN = "reload-admin-key";
export const ADMIN_HEADERS = { authorization: `Bearer ${ADMIN}` };

export interface YamlOptions {
  upstream: string;
  /** Provider name → its models. */
  providers?: Record<string, string[]>;
  keys?: Record<string, string>;
  aliases?: Record<string, Array<[string, string]>>;
  port?: number;
  extra?: string[];
}

export function configYaml(options: YamlOptions): string {
  const lines = ["server:", "  data_dir: ./data", `  port: ${options.port ?? 0}`];
  lines.push(...(options.extra ?? []));
  lines.push(`admin_key: ${ADMIN}`, "keys:");
  for (const [name, secret] of Object.entries(options.keys ?? { alice: "alice-key-1" })) {
    lines.push(`  - name: ${name}`, `    secret: ${secret}`);
  }
  lines.push("providers:");
  for (const [name, models] of Object.entries(options.providers ?? { oa: ["m1"] })) {
    lines.push(
      `  ${name}:`,
      "    api: chat",
      `    base_url: ${options.upstream}/v1`,
      "    models:",
    );
    for (const model of models) lines.push(`      ${model}: {}`);
  }
  const aliases = Object.entries(options.aliases ?? {});
  if (aliases.length > 0) lines.push("models:");
  for (const [name, targets] of aliases) {
    lines.push(`  ${name}:`, "    selector: in_order", "    targets:");
    for (const [provider, model] of targets) {
      lines.push(`      - provider: ${provider}`, `        model: ${model}`);
    }
  }
  return lines.join("\n") + "\n";
}

export interface ReloadFixture {
  dir: string;
  path: string;
  gateway: TestGateway;
  close(): Promise<void>;
}

export async function serveFromFile(yaml: string): Promise<ReloadFixture> {
  const dir = await Deno.makeTempDir({ prefix: "plexus-reload-" });
  const path = `${dir}/plexus.yaml`;
  await Deno.writeTextFile(path, yaml);
  const loaded = await loadConfig(path, {});
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const gateway = await startGateway(loaded.config, { reload: { path, env: {} } });
  return {
    dir,
    path,
    gateway,
    async close() {
      await gateway.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

export function chatRequest(base: string, key: string, model: string): Promise<Response> {
  return fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function configHashOf(base: string): Promise<unknown> {
  const response = await fetch(`${base}/health?detail=true`, { headers: ADMIN_HEADERS });
  const body = await response.json();
  return body.config_hash;
}
