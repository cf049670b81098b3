/**
 * Why one attempt at one target failed, and what that means for the request: whether another
 * target may be tried, and whether the target (or its whole provider) should cool down.
 */
import { scrubSecrets } from "../auth/secrets.ts";
import { type ErrorKind, kindForStatus } from "../codecs/unified.ts";
import type { HeaderReader } from "./types.ts";

export type FailureReason = "connection" | "timeout" | "status" | "bad_response";

export interface AttemptFailure {
  reason: FailureReason;
  /** Upstream HTTP status, when one came back. */
  status?: number;
  kind: ErrorKind;
  /** Safe to show the client: no secrets, no stack. */
  message: string;
  /** From retry-after style headers, when the upstream said. */
  retryAfterMs?: number;
  /** Another target may be tried for this request. */
  fallback: boolean;
  /** Affects every model of the provider (bad key, unreachable host). */
  providerWide: boolean;
  /** The connection was reset before an answer: worth one more try at the same target. */
  connectionReset?: boolean;
}

/**
 * Statuses that mean "this target, not this request": rate limits, timeouts, server errors and
 * rejected upstream credentials. 400/404/413/422 mean the request itself is wrong.
 */
export function failureForStatus(
  status: number,
  message: string,
  retryAfterMs: number | undefined,
  /** The kind the provider named (e.g. Bedrock's `x-amzn-errortype`), when it says more. */
  namedKind?: ErrorKind,
): AttemptFailure {
  const kind = namedKind ?? kindForStatus(status);
  const fallback = status === 408 || status === 429 || status >= 500 || status === 401 ||
    status === 403 || TARGET_KINDS.has(kind);
  return {
    reason: "status",
    status,
    kind,
    message,
    retryAfterMs,
    fallback,
    providerWide: status === 401 || status === 403 || kind === "authentication",
  };
}

/** Kinds that blame the target whatever the status (a quota error may come as a 400). */
const TARGET_KINDS = new Set<ErrorKind>([
  "authentication",
  "permission",
  "rate_limit",
  "overloaded",
  "unavailable",
  "timeout",
  "bad_gateway",
  "api_error",
]);

/**
 * Refused connections, DNS and TLS failures affect the whole provider; a reset connection is
 * one broken exchange, so it cools only the target (and may be retried once).
 */
export function connectionFailure(message: string, reset = false): AttemptFailure {
  return {
    reason: "connection",
    status: 502,
    kind: "bad_gateway",
    message,
    fallback: true,
    providerWide: !reset,
    connectionReset: reset || undefined,
  };
}

export function timeoutFailure(message: string): AttemptFailure {
  return {
    reason: "timeout",
    status: 504,
    kind: "timeout",
    message,
    fallback: true,
    providerWide: false,
  };
}

export function badResponseFailure(message: string): AttemptFailure {
  return {
    reason: "bad_response",
    status: 502,
    kind: "bad_gateway",
    message,
    fallback: true,
    providerWide: false,
  };
}

/**
 * Milliseconds to wait, from the headers providers use: `retry-after-ms`, `retry-after`
 * (seconds or HTTP date), `anthropic-ratelimit-*-reset` (RFC 3339), `x-ratelimit-reset-*`
 * (OpenAI durations such as `1s`, `6m0s`, `120ms`).
 */
export function retryAfterFromHeaders(headers: HeaderReader, now: number): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = headers.get("retry-after");
  if (after !== null) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  let latest: number | undefined;
  for (const [name, value] of headers) {
    let wait: number | undefined;
    if (name.startsWith("anthropic-ratelimit-") && name.endsWith("-reset")) {
      const date = Date.parse(value);
      if (Number.isFinite(date)) wait = Math.max(0, date - now);
    } else if (name.startsWith("x-ratelimit-reset-")) {
      wait = parseDuration(value);
    }
    if (wait !== undefined && (latest === undefined || wait > latest)) latest = wait;
  }
  return latest;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;

/** OpenAI's reset durations: `1s`, `6m0s`, `1h2m3.5s`, `120ms`. */
export function parseDuration(text: string): number | undefined {
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(DURATION_PART)) {
    matched = true;
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3_600_000 : m[2] === "m" ? n * 60_000 : m[2] === "s" ? n * 1000 : n;
  }
  return matched ? total : undefined;
}

const KEY_LIKE =
  /\b(?:sk-[A-Za-z0-9_*-]{6,}|AIza[A-Za-z0-9_-]{10,}|[A-Za-z0-9_-]{0,8}\*{3,}[A-Za-z0-9_-]{0,8})/g;

/**
 * An upstream error message with Plexus's upstream credentials taken out: providers echo
 * (parts of) a rejected key, and that message may reach the client.
 */
export function redactSecrets(message: string, secrets: Array<string | undefined>): string {
  let out = message;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return scrubSecrets(out).replace(KEY_LIKE, "[redacted]");
}
