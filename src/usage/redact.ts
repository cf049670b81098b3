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

/**
 * A copy of `value` with secrets removed. Iterative, not recursive: the value may be nested as
 * deep as its sender liked, and a stack overflow here must not be possible.
 */
export function redact(value: unknown, secrets: readonly string[]): unknown {
  const root: { value: unknown } = { value };
  const work: Array<{ from: unknown; into: Record<string, unknown> | unknown[]; key: string }> = [
    { from: value, into: root as unknown as Record<string, unknown>, key: "value" },
  ];
  while (work.length > 0) {
    const { from, into, key } = work.pop()!;
    const target = into as Record<string, unknown>;
    if (typeof from === "string") target[key] = redactString(from, secrets);
    else if (Array.isArray(from)) {
      const copy: unknown[] = new Array(from.length);
      target[key] = copy;
      from.forEach((item, index) => work.push({ from: item, into: copy, key: String(index) }));
    } else if (typeof from === "object" && from !== null) {
      // Null prototype: a key named `__proto__` stays a key.
      const copy: Record<string, unknown> = Object.create(null);
      target[key] = copy;
      for (const [name, item] of Object.entries(from)) {
        if (CREDENTIAL_FIELD.test(name)) copy[name] = REDACTED;
        else work.push({ from: item, into: copy, key: name });
      }
    } else target[key] = from;
  }
  return root.value;
}
