/**
 * Removes secrets from logged bodies: every configured secret (client keys, provider keys and
 * headers, the admin key) wherever it appears in a string, and any field whose name says it
 * holds a credential.
 */
import { cloudSecrets } from "../config/clouds.ts";
import type { Config } from "../config/types.ts";

export const REDACTED = "[redacted]";

const CREDENTIAL_FIELD =
  /^(api[_-]?key|x-api-key|x-goog-api-key|authorization|password|secret|client[_-]?secret|access[_-]?token|refresh[_-]?token|bearer)$/i;

/** Secrets shorter than this are not searched for inside strings: they would match by chance. */
const MIN_SECRET_LENGTH = 6;

export function configuredSecrets(
  config: Pick<Config, "keys" | "providers" | "adminKey">,
): string[] {
  const secrets = config.keys.map((key) => key.secret);
  if (config.adminKey !== undefined) secrets.push(config.adminKey);
  for (const provider of Object.values(config.providers)) {
    if (provider.apiKey !== undefined) secrets.push(provider.apiKey);
    secrets.push(...Object.values(provider.headers), ...cloudSecrets(provider.cloud));
  }
  // Longest first, so a secret containing another is replaced whole.
  return [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))]
    .sort((a, b) => b.length - a.length);
}

function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

export function redact(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string") return redactString(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redact(item, secrets));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = CREDENTIAL_FIELD.test(key) ? REDACTED : redact(item, secrets);
    }
    return out;
  }
  return value;
}
