/**
 * Client authentication: `Authorization: Bearer <secret>` or `x-api-key`; Gemini callers also
 * `x-goog-api-key` or `?key=`.
 */
import type { KeyPlaces } from "../codecs/codec.ts";
import type { ClientKey } from "../config/types.ts";

const encoder = new TextEncoder();

/** Compares in time that depends only on the lengths, so a secret cannot be guessed byte by byte. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * The secret a client presented, where its API's SDKs put it. `extra` places are given only for
 * the dialect whose SDKs use them (Gemini's `x-goog-api-key` and `?key=`), so a page that learnt
 * a key cannot spend it on the other APIs from a link or a form.
 */
export function presentedSecret(
  headers: Headers,
  url?: URL,
  extra?: KeyPlaces,
): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1].trim();
  }
  const apiKey = headers.get("x-api-key");
  if (apiKey !== null || extra === undefined) return apiKey ?? undefined;
  for (const name of extra.headers) {
    const value = headers.get(name);
    if (value !== null) return value;
  }
  if (extra.query === undefined || url === undefined) return undefined;
  return url.searchParams.get(extra.query) ?? undefined;
}

export class KeyRing {
  readonly #keys: Array<{ name: string; secret: Uint8Array }>;

  constructor(keys: ClientKey[]) {
    this.#keys = keys.map((k) => ({ name: k.name, secret: encoder.encode(k.secret) }));
  }

  /** The name of the key that matches, or undefined. Checks every key so timing says nothing. */
  identify(secret: string | undefined): string | undefined {
    if (secret === undefined) return undefined;
    const presented = encoder.encode(secret);
    let found: string | undefined;
    for (const key of this.#keys) {
      if (constantTimeEqual(presented, key.secret) && found === undefined) found = key.name;
    }
    return found;
  }
}
