/**
 * OAuth access tokens that expire (Google service accounts and user credentials, Microsoft Entra
 * client credentials), kept until shortly before their end.
 *
 * Requests never wait on a refresh while the cached token is still good for a while: a token
 * within `REFRESH_AHEAD_MS` of its end is handed out and renewed in the background, once for all
 * requests (single flight). Only a missing or nearly expired token makes requests wait, again on
 * one shared exchange, bounded by `EXCHANGE_TIMEOUT_MS`.
 */
import { callDeadlines } from "../deadlines.ts";
import { redactSecrets } from "../failure.ts";
import type { SendUpstream } from "../types.ts";

export type TokenResult = { ok: true; token: string } | { ok: false; message: string };

export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/**
 * One exchange at the token endpoint. Rejects with an `Error` whose message is safe to show when
 * the credential itself is unusable; any other failure reads as "could not be reached".
 */
export type Exchange = (send: SendUpstream, signal: AbortSignal) => Promise<
  IssuedToken | { error: string }
>;

/** An error thrown by an exchange whose message says what is wrong with the credential. */
export class CredentialError extends Error {}

/** Renew in the background when less than this is left. */
export const REFRESH_AHEAD_MS = 5 * 60_000;
/** Below this a token is not used: a request might outlive it. */
const MIN_VALIDITY_MS = 30_000;
/** A failed exchange is not retried for this long, so a broken credential does not flood. */
const FAILURE_HOLD_MS = 5_000;
/** The whole exchange (connect, answer, body). */
export const EXCHANGE_TIMEOUT_MS = 15_000;

export class TokenCache {
  readonly #exchange: Exchange;
  /** "Vertex AI access token for x from y": how failures begin. */
  readonly #describe: string;
  readonly #secrets: string[];
  #cached: IssuedToken | undefined;
  #inflight: Promise<TokenResult> | undefined;
  #failure: { at: number; message: string } | undefined;

  constructor(exchange: Exchange, describe: string, secrets: string[]) {
    this.#exchange = exchange;
    this.#describe = describe;
    this.#secrets = secrets;
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

  /** The provider refused the cached token (revoked, say): the next call fetches a new one. */
  forget(): void {
    this.#cached = undefined;
  }

  #failedRecently(now: number): boolean {
    return this.#failure !== undefined && now - this.#failure.at < FAILURE_HOLD_MS;
  }

  #refresh(send: SendUpstream): Promise<TokenResult> {
    this.#inflight ??= this.#run(send).then((result) => {
      this.#inflight = undefined;
      if (result.ok) this.#failure = undefined;
      else this.#failure = { at: Date.now(), message: result.message };
      return result;
    });
    return this.#inflight;
  }

  async #run(send: SendUpstream): Promise<TokenResult> {
    const controller = new AbortController();
    const deadline = callDeadlines.after(EXCHANGE_TIMEOUT_MS, () => controller.abort());
    try {
      const answer = await this.#exchange(send, controller.signal);
      if ("error" in answer) {
        return { ok: false, message: this.#safe(`${this.#describe}: ${answer.error}`) };
      }
      this.#cached = answer;
      return { ok: true, token: answer.token };
    } catch (error) {
      const why = controller.signal.aborted
        ? `no answer within ${EXCHANGE_TIMEOUT_MS} ms`
        : error instanceof CredentialError
        ? error.message
        : "the token endpoint could not be reached";
      return { ok: false, message: this.#safe(`${this.#describe} failed: ${why}`) };
    } finally {
      deadline.cancel();
    }
  }

  #safe(message: string): string {
    return redactSecrets(message, this.#secrets);
  }
}

/** POSTs an OAuth form and reads the answer (RFC 6749 section 5: token or error response). */
export async function postTokenForm(
  send: SendUpstream,
  url: string,
  form: Record<string, string>,
  signal: AbortSignal,
): Promise<IssuedToken | { error: string }> {
  const issuedAt = Date.now();
  const response = await send(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
    signal,
  });
  return parseTokenAnswer(response.status, await response.text(), issuedAt);
}

/** The token and its end, or what the endpoint said (OAuth `error`, `error_description`). */
export function parseTokenAnswer(
  status: number,
  text: string,
  issuedAt: number,
): IssuedToken | { error: string } {
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

/** Lines of a secret long enough to recognise on their own (PEM bodies). */
export function secretParts(secret: string): string[] {
  return [secret, ...secret.split(/\r?\n/).filter((line) => line.length >= 16)];
}
