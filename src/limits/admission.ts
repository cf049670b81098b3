/**
 * The contract between the limiter and where its counters live (this process's memory, or Redis
 * shared by several instances). docs/teams.md, "Limits that hold exactly", explains the rules.
 */
import type { RateLimits } from "../config/types.ts";

/** Whose limits a request counts against: a key's own, or an alias's (all keys together). */
export interface LimitSubject {
  /** `key:<name>` or `alias:<name>`: the counters' identity. */
  id: string;
  /** What a refusal names: `key 'alice'`, `alias 'smart'`. */
  label: string;
  limits: RateLimits;
}

/** What a request holds while in flight, released when its real usage is known. */
export interface Reservation {
  tokens: number;
  nanoUsd: number;
}

export interface AdmitInput {
  /** Unique per request: names its reservation. */
  ticket: string;
  now: number;
  subjects: LimitSubject[];
  reserve: Reservation;
}

export type RefusalReason = "requests" | "tokens" | "concurrency" | "budget";

export interface Refusal {
  reason: RefusalReason;
  subject: LimitSubject;
  /** How long until a retry could succeed; undefined when it never will (a `total` budget). */
  retryAfterMs?: number;
  /** Epoch ms the budget resets (budget refusals of a periodic budget). */
  resetsAt?: number;
}

/** What OpenAI-style `x-ratelimit-*` headers report: the tightest subject that has the limit. */
export interface Quota {
  requests?: { limit: number; remaining: number; resetMs: number };
  tokens?: { limit: number; remaining: number; resetMs: number };
}

export type Admission =
  | { ok: true; quota: Quota }
  | { ok: false; refusal: Refusal; quota: Quota };

/** What an admitted request holds until it ends: plain data, carried on its usage record. */
export interface LimitTicket {
  ticket: string;
  admittedAt: number;
  subjects: LimitSubject[];
  reserve: Reservation;
  /** Admitted by this process's own counters (the shared store was unreachable). */
  local: boolean;
}

export interface Settlement {
  ticket: string;
  /** When it was admitted: usage counts in the budget period the request began in. */
  admittedAt: number;
  now: number;
  subjects: LimitSubject[];
  reserve: Reservation;
  usedTokens: number;
  usedNanoUsd: number;
}

/** Per-subject counters, for `GET /v0/keys` and `/v0/state`. */
export interface SubjectUsage {
  requestsLastMinute: number;
  tokensLastMinute: number;
  inFlight: number;
  reservedTokens: number;
  reservedNanoUsd: number;
  /** Spent in the current budget period. */
  budgetNanoUsd: number;
}

export interface LimitCounters {
  admit(input: AdmitInput): Admission | Promise<Admission>;
  settle(settlement: Settlement): void | Promise<void>;
  usage(subject: LimitSubject, now: number): SubjectUsage | Promise<SubjectUsage>;
}

export const WINDOW_MS = 60_000;

/** How long an in-flight reservation lives if nothing settles it (an instance that died). */
export const LEASE_MS = 15 * 60_000;

/** Does this subject need an in-flight reservation (anything settled later)? */
export function tracksInFlight(limits: RateLimits): boolean {
  return limits.maxConcurrent !== undefined || limits.tokensPerMinute !== undefined ||
    limits.budget !== undefined;
}

/** Keeps the tighter of two quotas per kind (the one with fewer remaining). */
export function tighter<T extends { remaining: number }>(a: T | undefined, b: T): T {
  return a === undefined || b.remaining < a.remaining ? b : a;
}
