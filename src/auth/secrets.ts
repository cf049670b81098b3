/**
 * Every secret Plexus holds, and the one function that takes them out of text. Providers echo
 * what they received (their key, configured header values) in error bodies, error events and
 * even 200 answers; whatever a provider sent passes through `scrubSecrets` before it reaches a
 * client, the usage log, `/v0/logs` or `/v0/events`.
 */
import { cloudSecrets } from "../config/clouds.ts";
import type { Config } from "../config/types.ts";

export const REDACTED = "[redacted]";

/** Secrets shorter than this are not searched for inside strings: they would match by chance. */
const MIN_SECRET_LENGTH = 6;

/**
 * Client keys, the admin key, provider keys, configured header values, cloud credentials and
 * credentials written into a provider's `base_url`; longest first, so a secret containing
 * another is replaced whole.
 */
export function configuredSecrets(
  config: Pick<Config, "keys" | "providers" | "adminKey">,
): string[] {
  const secrets = config.keys.map((key) => key.secret);
  if (config.adminKey !== undefined) secrets.push(config.adminKey);
  for (const provider of Object.values(config.providers)) {
    if (provider.apiKey !== undefined) secrets.push(provider.apiKey);
    secrets.push(...Object.values(provider.headers), ...cloudSecrets(provider.cloud));
    if (provider.aws !== undefined) {
      secrets.push(provider.aws.secretAccessKey, provider.aws.sessionToken ?? "");
    }
    secrets.push(...urlCredentials(provider.baseUrl));
  }
  return [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))]
    .sort((a, b) => b.length - a.length);
}

/** `https://user:password@host/` carries two secrets, as written and percent-decoded. */
function urlCredentials(baseUrl: string): string[] {
  try {
    const url = new URL(baseUrl);
    const out: string[] = [];
    for (const part of [url.username, url.password]) {
      if (part === "") continue;
      out.push(part);
      try {
        out.push(decodeURIComponent(part));
      } catch {
        // Not valid percent-encoding: the written form is all there is.
      }
    }
    return out;
  } catch {
    return [];
  }
}

/** `text` with every secret of `secrets` replaced by `[redacted]`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** The secrets of every configuration this process has served (a reload adds, never forgets). */
let known: readonly string[] = [];

export function rememberSecrets(config: Pick<Config, "keys" | "providers" | "adminKey">): void {
  known = [...new Set([...known, ...configuredSecrets(config)])].sort((a, b) =>
    b.length - a.length
  );
}

/** Provider-derived text without any secret this process knows. */
export function scrubSecrets(text: string): string {
  return known.length === 0 ? text : redactText(text, known);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Forwarded bytes without any secret this process knows (the same bytes when none is there). */
export function scrubSecretsInBytes(bytes: Uint8Array): Uint8Array {
  if (known.length === 0) return bytes;
  const text = decoder.decode(bytes);
  const scrubbed = redactText(text, known);
  return scrubbed === text ? bytes : encoder.encode(scrubbed);
}
