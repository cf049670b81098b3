/**
 * Limit counters in this process's memory: exact for one instance. Requests per minute are a
 * sliding log of admission times (never more entries than the limit); tokens per minute are
 * per-second buckets of settled usage; in-flight requests hold reservations until settled.
 * Budgets spent per period can be saved and restored (`snapshotBudgets`/`restoreBudgets`).
 */
import {
  type Admission,
  type AdmitInput,
  LEASE_MS,
  type LimitCounters,
  type LimitSubject,
  type Quota,
  type Refusal,
  type Settlement,
  type SubjectUsage,
  tighter,
  tracksInFlight,
  WINDOW_MS,
} from "./admission.ts";
import { periodWindow, toNanoUsd } from "./periods.ts";

class SubjectCounters {
  /** Admission times within the last minute, oldest first. */
  requests: number[] = [];
  /** Settled tokens per epoch second, for the last minute. */
  tokenSeconds = new Map<number, number>();
  inFlight = new Map<string, { tokens: number; nanoUsd: number; until: number }>();
  reservedTokens = 0;
  reservedNanoUsd = 0;
  /** Nano-USD spent per budget period, keyed by the period's start. */
  budgets = new Map<number, number>();

  prune(now: number): void {
    // A reservation nobody settled (a request that never finished) expires with its lease.
    for (const [ticket, held] of this.inFlight) {
      if (held.until > now) continue;
      this.inFlight.delete(ticket);
      this.reservedTokens -= held.tokens;
      this.reservedNanoUsd -= held.nanoUsd;
    }
    const from = now - WINDOW_MS;
    let drop = 0;
    while (drop < this.requests.length && this.requests[drop] <= from) drop++;
    if (drop > 0) this.requests.splice(0, drop);
    const fromSecond = Math.floor(from / 1000);
    for (const second of this.tokenSeconds.keys()) {
      if (second <= fromSecond) this.tokenSeconds.delete(second);
    }
  }

  tokensUsed(): number {
    let sum = 0;
    for (const tokens of this.tokenSeconds.values()) sum += tokens;
    return sum;
  }

  /** Ms until the oldest counted tokens leave the window. */
  tokensResetMs(now: number): number {
    let oldest = Infinity;
    for (const second of this.tokenSeconds.keys()) oldest = Math.min(oldest, second);
    return oldest === Infinity ? 0 : Math.max(0, (oldest + 1) * 1000 + WINDOW_MS - now);
  }
}

export class LocalLimitCounters implements LimitCounters {
  readonly #subjects = new Map<string, SubjectCounters>();
  #onBudgetChange: (() => void) | undefined;

  /** Called after spending changes a budget (to persist it). */
  onBudgetChange(listener: () => void): void {
    this.#onBudgetChange = listener;
  }

  #of(id: string): SubjectCounters {
    let counters = this.#subjects.get(id);
    if (counters === undefined) {
      counters = new SubjectCounters();
      this.#subjects.set(id, counters);
    }
    return counters;
  }

  admit(input: AdmitInput): Admission {
    const { now } = input;
    const quota: Quota = {};
    for (const subject of input.subjects) {
      const counters = this.#of(subject.id);
      counters.prune(now);
      const refusal = check(subject, counters, now, quota);
      if (refusal !== undefined) return { ok: false, refusal, quota };
    }
    for (const subject of input.subjects) {
      const counters = this.#of(subject.id);
      if (subject.limits.requestsPerMinute !== undefined) counters.requests.push(now);
      if (!tracksInFlight(subject.limits)) continue;
      counters.inFlight.set(input.ticket, { ...input.reserve, until: now + LEASE_MS });
      counters.reservedTokens += input.reserve.tokens;
      counters.reservedNanoUsd += input.reserve.nanoUsd;
    }
    // The quota was read before this request counted: report what is left after it.
    if (quota.requests !== undefined) quota.requests.remaining--;
    return { ok: true, quota };
  }

  settle(settlement: Settlement): void {
    let spent = false;
    for (const subject of settlement.subjects) {
      const counters = this.#of(subject.id);
      const held = counters.inFlight.get(settlement.ticket);
      if (held !== undefined) {
        counters.inFlight.delete(settlement.ticket);
        counters.reservedTokens -= held.tokens;
        counters.reservedNanoUsd -= held.nanoUsd;
      }
      if (subject.limits.tokensPerMinute !== undefined && settlement.usedTokens > 0) {
        const second = Math.floor(settlement.now / 1000);
        counters.tokenSeconds.set(
          second,
          (counters.tokenSeconds.get(second) ?? 0) + settlement.usedTokens,
        );
      }
      const budget = subject.limits.budget;
      if (budget !== undefined && settlement.usedNanoUsd > 0) {
        const start = periodWindow(budget.period, settlement.admittedAt).start;
        counters.budgets.set(start, (counters.budgets.get(start) ?? 0) + settlement.usedNanoUsd);
        spent = true;
      }
    }
    if (spent) this.#onBudgetChange?.();
  }

  usage(subject: LimitSubject, now: number): SubjectUsage {
    const counters = this.#of(subject.id);
    counters.prune(now);
    const budget = subject.limits.budget;
    return {
      requestsLastMinute: counters.requests.length,
      tokensLastMinute: counters.tokensUsed(),
      inFlight: counters.inFlight.size,
      reservedTokens: counters.reservedTokens,
      reservedNanoUsd: counters.reservedNanoUsd,
      budgetNanoUsd: budget === undefined
        ? 0
        : counters.budgets.get(periodWindow(budget.period, now).start) ?? 0,
    };
  }

  /** Spending per subject and period start, as plain JSON (for the file store). */
  snapshotBudgets(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [id, counters] of this.#subjects) {
      if (counters.budgets.size === 0) continue;
      out[id] = Object.fromEntries(counters.budgets);
    }
    return out;
  }

  restoreBudgets(saved: Record<string, Record<string, number>>): void {
    for (const [id, periods] of Object.entries(saved)) {
      const counters = this.#of(id);
      for (const [start, nano] of Object.entries(periods)) {
        const startMs = Number(start);
        if (Number.isFinite(startMs) && Number.isFinite(nano)) counters.budgets.set(startMs, nano);
      }
    }
  }
}

/** The first limit this subject is at, in the order budget, concurrency, requests, tokens. */
function check(
  subject: LimitSubject,
  counters: SubjectCounters,
  now: number,
  quota: Quota,
): Refusal | undefined {
  const limits = subject.limits;
  if (limits.budget !== undefined) {
    const window = periodWindow(limits.budget.period, now);
    const spent = (counters.budgets.get(window.start) ?? 0) + counters.reservedNanoUsd;
    if (spent >= toNanoUsd(limits.budget.usd)) {
      return {
        reason: "budget",
        subject,
        retryAfterMs: window.end === undefined ? undefined : window.end - now,
        resetsAt: window.end,
      };
    }
  }
  if (limits.maxConcurrent !== undefined && counters.inFlight.size >= limits.maxConcurrent) {
    return { reason: "concurrency", subject, retryAfterMs: 1000 };
  }
  if (limits.requestsPerMinute !== undefined) {
    const count = counters.requests.length;
    const resetMs = count === 0 ? 0 : counters.requests[0] + WINDOW_MS - now;
    quota.requests = tighter(quota.requests, {
      limit: limits.requestsPerMinute,
      remaining: Math.max(0, limits.requestsPerMinute - count),
      resetMs,
    });
    if (count >= limits.requestsPerMinute) {
      return { reason: "requests", subject, retryAfterMs: Math.max(1, resetMs) };
    }
  }
  if (limits.tokensPerMinute !== undefined) {
    const used = counters.tokensUsed() + counters.reservedTokens;
    const resetMs = counters.tokensResetMs(now);
    quota.tokens = tighter(quota.tokens, {
      limit: limits.tokensPerMinute,
      remaining: Math.max(0, limits.tokensPerMinute - used),
      resetMs,
    });
    if (used >= limits.tokensPerMinute) {
      // Reserved tokens free up when their requests end; a second is a fair guess then.
      return { reason: "tokens", subject, retryAfterMs: Math.max(1000, resetMs) };
    }
  }
  return undefined;
}
