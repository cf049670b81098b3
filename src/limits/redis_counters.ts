/**
 * Limit counters in Redis, shared by every instance: one script call (one round trip) admits a
 * request atomically against all its subjects; settlement is another call made after the
 * response, off the request path. When Redis cannot answer, `admit` says so (`undefined`) and
 * the limiter uses this process's own counters instead.
 */
import type { RedisConnection } from "../state/redis_connection.ts";
import { type LuaScript, luaScript } from "../state/redis_connection.ts";
import type {
  Admission,
  AdmitInput,
  LimitSubject,
  Quota,
  Refusal,
  RefusalReason,
  Settlement,
  SubjectUsage,
} from "./admission.ts";
import { LEASE_MS, tighter, tracksInFlight } from "./admission.ts";
import { periodWindow, toNanoUsd } from "./periods.ts";
import { ADMIT_LUA, SETTLE_LUA, USAGE_LUA } from "./redis_scripts.ts";

/** Counters that may be unreachable: `undefined` means "use local counters". */
export interface SharedLimitCounters {
  available(): boolean;
  admit(input: AdmitInput): Promise<Admission | undefined>;
  settle(settlement: Settlement): Promise<void>;
  usage(subject: LimitSubject, now: number): Promise<SubjectUsage | undefined>;
}

const REASONS: ReadonlySet<string> = new Set(["requests", "tokens", "concurrency", "budget"]);

export class RedisLimitCounters implements SharedLimitCounters {
  readonly #redis: RedisConnection;
  readonly #scripts: Promise<{ admit: LuaScript; settle: LuaScript; usage: LuaScript }>;

  constructor(redis: RedisConnection) {
    this.#redis = redis;
    this.#scripts = Promise.all([luaScript(ADMIT_LUA), luaScript(SETTLE_LUA), luaScript(USAGE_LUA)])
      .then(([admit, settle, usage]) => ({ admit, settle, usage }));
    // Loaded on every (re)connect, so a request never pays a second round trip for NOSCRIPT.
    redis.onReady(() => {
      void this.#scripts.then((scripts) =>
        redis.run((client) =>
          Promise.all([
            client.scriptLoad(scripts.admit.source),
            client.scriptLoad(scripts.settle.source),
            client.scriptLoad(scripts.usage.source),
          ])
        )
      );
    });
  }

  available(): boolean {
    return this.#redis.connected;
  }

  #keys(subject: LimitSubject, periodStart: number): string[] {
    const base = `${this.#redis.prefix}limits:${subject.id}:`;
    return [base + "req", base + "tok", base + "fly", base + "res", base + `bud:${periodStart}`];
  }

  #periodStart(subject: LimitSubject, at: number): number {
    const budget = subject.limits.budget;
    return budget === undefined ? 0 : periodWindow(budget.period, at).start;
  }

  async admit(input: AdmitInput): Promise<Admission | undefined> {
    const scripts = await this.#scripts;
    const keys: string[] = [];
    const args = [
      String(input.now),
      input.ticket,
      String(input.reserve.tokens),
      String(input.reserve.nanoUsd),
      String(LEASE_MS),
      String(input.subjects.length),
    ];
    for (const subject of input.subjects) {
      const limits = subject.limits;
      const window = limits.budget === undefined
        ? undefined
        : periodWindow(limits.budget.period, input.now);
      keys.push(...this.#keys(subject, window?.start ?? 0));
      args.push(
        String(limits.requestsPerMinute ?? 0),
        String(limits.tokensPerMinute ?? 0),
        String(limits.maxConcurrent ?? 0),
        String(limits.budget === undefined ? 0 : toNanoUsd(limits.budget.usd)),
        String(window?.end ?? 0),
      );
    }
    const reply = await this.#redis.run((redis) =>
      this.#redis.script(redis, scripts.admit, keys, args)
    );
    return reply === undefined ? undefined : admissionOf(reply, input.subjects, input.now);
  }

  async settle(settlement: Settlement): Promise<void> {
    const scripts = await this.#scripts;
    const keys: string[] = [];
    const args = [
      settlement.ticket,
      String(settlement.now),
      String(Math.max(0, Math.round(settlement.usedTokens))),
      String(Math.max(0, settlement.usedNanoUsd)),
      String(settlement.subjects.length),
    ];
    for (const subject of settlement.subjects) {
      keys.push(...this.#keys(subject, this.#periodStart(subject, settlement.admittedAt)));
      const budget = subject.limits.budget;
      const end = budget === undefined
        ? undefined
        : periodWindow(budget.period, settlement.admittedAt).end;
      // A periodic budget's counter outlives its period by a day, then Redis drops it.
      const ttl = budget === undefined
        ? 0
        : end === undefined
        ? -1
        : end - settlement.now + 86_400_000;
      args.push(subject.limits.tokensPerMinute === undefined ? "0" : "1", String(ttl));
    }
    if (!settlement.subjects.some((subject) => tracksInFlight(subject.limits))) return;
    await this.#redis.run((redis) => this.#redis.script(redis, scripts.settle, keys, args));
  }

  async usage(subject: LimitSubject, now: number): Promise<SubjectUsage | undefined> {
    const scripts = await this.#scripts;
    const reply = await this.#redis.run((redis) =>
      this.#redis.script(
        redis,
        scripts.usage,
        this.#keys(subject, this.#periodStart(subject, now)),
        [String(now)],
      )
    );
    if (!Array.isArray(reply)) return undefined;
    const [requests, tokens, inFlight, reservedTokens, reservedNano, spent] = reply.map(Number);
    return {
      requestsLastMinute: requests,
      tokensLastMinute: tokens,
      inFlight,
      reservedTokens,
      reservedNanoUsd: reservedNano,
      budgetNanoUsd: spent,
    };
  }
}

/** The admit script's reply as an admission (see ADMIT_LUA for its layout). */
export function admissionOf(reply: unknown, subjects: LimitSubject[], now: number): Admission {
  if (!Array.isArray(reply)) throw new Error("unexpected reply from the admit script");
  const quota: Quota = {};
  subjects.forEach((subject, i) => {
    const [requests, requestsReset, tokens, tokensReset] = reply.slice(4 + i * 4, 8 + i * 4)
      .map(Number);
    const limits = subject.limits;
    if (limits.requestsPerMinute !== undefined) {
      quota.requests = tighter(quota.requests, {
        limit: limits.requestsPerMinute,
        remaining: Math.max(0, limits.requestsPerMinute - requests),
        resetMs: requestsReset,
      });
    }
    if (limits.tokensPerMinute !== undefined) {
      quota.tokens = tighter(quota.tokens, {
        limit: limits.tokensPerMinute,
        remaining: Math.max(0, limits.tokensPerMinute - tokens),
        resetMs: tokensReset,
      });
    }
  });
  if (Number(reply[0]) === 1) {
    if (quota.requests !== undefined) quota.requests.remaining--;
    return { ok: true, quota };
  }
  const subject = subjects[Number(reply[1])];
  const reason = String(reply[2]);
  const wait = Number(reply[3]);
  const refusal: Refusal = {
    reason: (REASONS.has(reason) ? reason : "requests") as RefusalReason,
    subject,
    ...(wait < 0 ? {} : { retryAfterMs: wait }),
  };
  if (refusal.reason === "budget" && subject.limits.budget !== undefined) {
    const end = periodWindow(subject.limits.budget.period, now).end;
    if (end !== undefined) refusal.resetsAt = end;
  }
  return { ok: false, refusal, quota };
}
