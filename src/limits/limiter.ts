/**
 * Admission of one request against its key's and its alias's limits, and the settlement of what
 * it really used. Requests whose key and alias have no limits never reach the counters.
 *
 * Rules (docs/teams.md, "Limits that hold exactly"): a request is admitted only while every
 * subject is under each limit; an admitted request reserves an estimate (prompt bytes / 4 plus
 * `max_tokens`, or the provider's `default_max_tokens`, priced at the dearest candidate) that is
 * replaced by its real usage and cost when it ends.
 */
import type { AliasConfig, ClientKey, Config } from "../config/types.ts";
import type {
  Admission,
  LimitCounters,
  LimitSubject,
  LimitTicket,
  Reservation,
} from "./admission.ts";
import { toNanoUsd } from "./periods.ts";
import type { SharedLimitCounters } from "./redis_counters.ts";

export interface AdmitRequest {
  key: ClientKey | undefined;
  alias: AliasConfig | undefined;
  requestId: string;
  candidates: ReadonlyArray<{ provider: string; model: string }>;
  maxTokens: number | undefined;
  bodyBytes: number | undefined;
}

export type AdmitOutcome =
  | { ok: true; ticket: LimitTicket | undefined; quota: Admission["quota"] }
  | Extract<Admission, { ok: false }>;

const NO_LIMITS: AdmitOutcome = { ok: true, ticket: undefined, quota: {} };

/** The subjects a request counts against; empty when nothing is limited. */
export function subjectsOf(
  key: ClientKey | undefined,
  alias: AliasConfig | undefined,
): LimitSubject[] {
  const subjects: LimitSubject[] = [];
  if (key?.limits !== undefined) {
    subjects.push({ id: `key:${key.name}`, label: `key '${key.name}'`, limits: key.limits });
  }
  if (alias?.limits !== undefined) {
    subjects.push({
      id: `alias:${alias.name}`,
      label: `alias '${alias.name}'`,
      limits: alias.limits,
    });
  }
  return subjects;
}

/**
 * Where counters live: this process's own, and (with Redis) the shared ones, used whenever they
 * answer. A ticket remembers which admitted it, so it is settled in the same place.
 */
export interface CounterChoice {
  local: LimitCounters;
  shared?: SharedLimitCounters;
}

export class Limiter {
  readonly #config: Pick<Config, "providers">;
  readonly #choice: CounterChoice;
  readonly #clock: () => number;

  constructor(
    config: Pick<Config, "providers">,
    choice: CounterChoice,
    clock: () => number = Date.now,
  ) {
    this.#config = config;
    this.#choice = choice;
    this.#clock = clock;
  }

  /** One in-memory check, or one Redis round trip (local counters when Redis cannot answer). */
  admit(request: AdmitRequest): AdmitOutcome | Promise<AdmitOutcome> {
    const subjects = subjectsOf(request.key, request.alias);
    if (subjects.length === 0) return NO_LIMITS;
    const reserve = this.reservation(request);
    const admittedAt = this.#clock();
    const input = {
      ticket: request.requestId + ":" + crypto.randomUUID(),
      now: admittedAt,
      subjects,
      reserve,
    };
    const outcome = (admission: Admission, local: boolean): AdmitOutcome =>
      admission.ok
        ? {
          ok: true,
          ticket: { ticket: input.ticket, admittedAt, subjects, reserve, local },
          quota: admission.quota,
        }
        : admission;
    const local = () => {
      const admission = this.#choice.local.admit(input);
      return admission instanceof Promise
        ? admission.then((a) => outcome(a, true))
        : outcome(admission, true);
    };
    const shared = this.#choice.shared;
    if (shared === undefined || !shared.available()) return local();
    return shared.admit(input).then((admission) =>
      admission === undefined ? local() : outcome(admission, false)
    );
  }

  /** Replaces the ticket's reservation with what the request used; never throws. */
  settle(ticket: LimitTicket, usedTokens: number, costUsd: number | null): void {
    const counters = ticket.local ? this.#choice.local : this.#choice.shared ?? this.#choice.local;
    try {
      const settled = counters.settle({
        ticket: ticket.ticket,
        admittedAt: ticket.admittedAt,
        now: this.#clock(),
        subjects: ticket.subjects,
        reserve: ticket.reserve,
        usedTokens,
        usedNanoUsd: costUsd === null ? 0 : toNanoUsd(costUsd),
      });
      if (settled instanceof Promise) settled.catch(() => {});
    } catch (error) {
      console.error(
        "plexus: settling limits failed:",
        error instanceof Error ? error.message : error,
      );
    }
  }

  /** The estimate a request holds while in flight. */
  reservation(request: AdmitRequest): Reservation {
    const input = Math.ceil((request.bodyBytes ?? 0) / 4);
    let output = 0;
    let nano = 0;
    for (const candidate of request.candidates) {
      const provider = this.#config.providers[candidate.provider];
      const candidateOutput = request.maxTokens ?? provider?.defaultMaxTokens ?? 0;
      output = Math.max(output, candidateOutput);
      const pricing = provider?.models[candidate.model]?.pricing;
      const usd = (input * (pricing?.input ?? 0) + candidateOutput * (pricing?.output ?? 0)) /
        1_000_000;
      nano = Math.max(nano, toNanoUsd(usd));
    }
    return { tokens: input + output, nanoUsd: nano };
  }
}
