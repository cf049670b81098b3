/**
 * A Plexus server built from YAML text, as a user writes it, for the cloud provider tests: the
 * cloud sections go through the real loader (schema, checks, credentials) before the server
 * starts.
 */
import { join } from "node:path";
import { parseConfigText } from "../../src/config/load.ts";
import type { Config } from "../../src/config/types.ts";
import type { ServerOptions } from "../../src/http/server.ts";
import { TEST_KEY } from "../support/config.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

/** `providers` is the YAML under `providers:`, indented by four spaces per line. */
export function cloudConfig(providers: string, env: Record<string, string> = {}): Config {
  const dir = Deno.makeTempDirSync({ prefix: "plexus-test-" });
  const text = `server: { port: 0, data_dir: ${JSON.stringify(dir)} }
admin_key: test-admin-key
keys:
  - { name: tester, secret: ${TEST_KEY} }
providers:
${providers}`;
  const result = parseConfigText(text, join(dir, "plexus.yaml"), env);
  if (!result.ok) throw new Error(`config rejected: ${JSON.stringify(result.problems)}`);
  return result.config;
}

export async function withCloudGateway(
  config: Config,
  fn: (gateway: TestGateway) => Promise<void>,
  options: ServerOptions = {},
): Promise<void> {
  const gateway = await startGateway(config, options);
  try {
    await fn(gateway);
  } finally {
    await gateway.close();
  }
}
