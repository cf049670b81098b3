/**
 * OAuth access tokens for Vertex AI from a service-account key: sign an assertion
 * (`google_jwt.ts`), exchange it at the key's `token_uri`, keep the token until shortly before it
 * expires. Reference: developers.google.com/identity/protocols/oauth2/service-account
 * ("Making the access token request": POST form `grant_type=urn:ietf:params:oauth:grant-type:
 * jwt-bearer&assertion=...`, answer `{"access_token","expires_in","token_type"}`).
 *
 * Requests never wait on a refresh while the cached token is still good for a while: a token
 * within `REFRESH_AHEAD_MS` of its end is handed out and renewed in the background, once for all
 * requests (single flight). Only a missing or nearly expired token makes requests wait, again on
 * one shared exchange.
 */
import type { ServiceAccountKey } from "../../config/clouds.ts";
import { callDeadlines } from "../deadlines.ts";
import { redactSecrets } from "../failure.ts";
import type { SendUpstream } from "../types.ts";
import { importSigningKey, signAssertion } from "./google_jwt.ts";

export type TokenResult = { ok: true; token: string } | { ok: false; message: string };

/** Renew in the background when less than this is left. */
export const REFRESH_AHEAD_MS = 5 * 60_000;
/** Below this a token is not used: a request might outlive it. */
const MIN_VALIDITY_MS = 30_000;
/** A failed exchange is not retried for this long, so a broken key does not flood Google. */
const FAILURE_HOLD_MS = 5_000;
/** The whole exchange (connect, answer, body). */
const EXCHANGE_TIMEOUT_MS = 15_000;
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class ServiceAccountTokens {
  readonly #key: ServiceAccountKey;
  #signingKey: Promise<CryptoKey> | undefined;
  #cached: CachedToken | undefined;
  #inflight: Promise<TokenResult> | undefined;
  #failure: { at: number; message: string } | undefined;

  constructor(key: ServiceAccountKey) {
    this.#key = key;
  }

  /** A usable access token, or why none could be had (a message without any secret). */
  token(send: SendUpstream, now = Date.now()): Promise<TokenResult> {
    const cached = this.#cached;
    if (cached !== undefined && now < cached.expiresAt - MIN_VALIDITY_MS) {
      if (now >= cached.expiresAt - REFRESH_AHEAD_MS && !this.#failedRecently(now)) {
        this.#refresh(send).catch(() => {});
      }
      return Promise.resolve({ ok: true, token: cached.token });
    }
    if (this.#inflight === undefined && this.#failedRecently(now)) {
      return Promise.resolve({ ok: false, message: this.#failure!.message });
    }
    return this.#refresh(send);
  }

  #failedRecently(now: number): boolean {
    return this.#failure !== undefined && now - this.#failure.at < FAILURE_HOLD_MS;
  }

  #refresh(send: SendUpstream): Promise<TokenResult> {
    this.#inflight ??= this.#exchange(send).then((result) => {
      this.#inflight = undefined;
      if (result.ok) this.#failure = undefined;
      else this.#failure = { at: Date.now(), message: result.message };
      return result;
    });
    return this.#inflight;
  }

  async #exchange(send: SendUpstream): Promise<TokenResult> {
    const where = `Vertex AI access token for ${this.#key.clientEmail} from ${this.#key.tokenUri}`;
    const controller = new AbortController();
    const deadline = callDeadlines.after(EXCHANGE_TIMEOUT_MS, () => controller.abort());
    try {
      this.#signingKey ??= importSigningKey(this.#key.privateKey);
      const signingKey = await this.#signingKey.catch((error: Error) => {
        this.#signingKey = undefined;
        throw error;
      });
      const issuedAt = Date.now();
      const assertion = await signAssertion(this.#key, signingKey, Math.floor(issuedAt / 1000));
      const response = await send(this.#key.tokenUri, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
        signal: controller.signal,
      });
      const text = await response.text();
      const answer = parseTokenAnswer(response.status, text, issuedAt);
      if ("error" in answer) return { ok: false, message: this.#safe(`${where}: ${answer.error}`) };
      this.#cached = answer;
      return { ok: true, token: answer.token };
    } catch (error) {
      const why = controller.signal.aborted
        ? `no answer within ${EXCHANGE_TIMEOUT_MS} ms`
        : error instanceof Error && error.message.startsWith("the service account")
        ? error.message
        : "the token endpoint could not be reached";
      return { ok: false, message: this.#safe(`${where} failed: ${why}`) };
    } finally {
      deadline.cancel();
    }
  }

  #safe(message: string): string {
    const keyLines = this.#key.privateKey.split(/\r?\n/).filter((line) => line.length >= 16);
    return redactSecrets(message, [this.#key.privateKey, ...keyLines]);
  }
}

/** The token and its end, or what the endpoint said (OAuth `error`, `error_description`). */
export function parseTokenAnswer(
  status: number,
  text: string,
  issuedAt: number,
): CachedToken | { error: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const json = typeof body === "object" && body !== null ? body as Record<string, unknown> : {};
  if (status < 200 || status > 299) {
    const code = typeof json.error === "string" ? json.error : undefined;
    const description = typeof json.error_description === "string"
      ? json.error_description.slice(0, 300)
      : undefined;
    const said = [code, description].filter((part) => part !== undefined).join(": ");
    return { error: `HTTP ${status}${said === "" ? "" : ` (${said})`}` };
  }
  const token = json.access_token;
  const expiresIn = typeof json.expires_in === "number" ? json.expires_in : Number(json.expires_in);
  if (typeof token !== "string" || token === "" || !Number.isFinite(expiresIn)) {
    return { error: "the answer has no access_token with expires_in" };
  }
  return { token, expiresAt: issuedAt + expiresIn * 1000 };
}

/**
 * One token cache per service account, shared by every provider that uses the same key (read
 * from a file by one and inline by another, say). Keyed in memory only; bounded by the config.
 */
const sources = new Map<string, ServiceAccountTokens>();

export function tokensFor(key: ServiceAccountKey): ServiceAccountTokens {
  const identity = `${key.clientEmail}\n${key.tokenUri}\n${key.privateKey}`;
  let source = sources.get(identity);
  if (source === undefined) {
    source = new ServiceAccountTokens(key);
    sources.set(identity, source);
  }
  return source;
}
