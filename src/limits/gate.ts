/**
 * The one step between routing and the first upstream call: is the model within the key's
 * scope, and do the key's and the alias's limits admit the request? Costs nothing when the key
 * has no scope and nothing is limited.
 */
import type { GatewayError } from "../codecs/unified.ts";
import type { AliasConfig } from "../config/types.ts";
import type { ClientKeys } from "../keys/registry.ts";
import type { LimitTicket, RefusalReason } from "./admission.ts";
import type { Limiter } from "./limiter.ts";
import { quotaHeaders, refusalError, refusalHeaders, scopeError } from "./refusal.ts";

export interface GateInput {
  keyName: string | undefined;
  /** The model as the client asked for it (an alias or `provider/model`). */
  model: string;
  alias: AliasConfig | undefined;
  candidates: ReadonlyArray<{ provider: string; model: string }>;
  maxTokens: number | undefined;
  /** Read only when limits apply. */
  bodyBytes: () => number;
  requestId: string;
}

export type GateOutcome =
  | { ok: true; ticket: LimitTicket | undefined; headers: Record<string, string> | undefined }
  | {
    ok: false;
    reason: "scope" | RefusalReason;
    error: GatewayError;
    headers: Record<string, string>;
  };

const PASS: GateOutcome = { ok: true, ticket: undefined, headers: undefined };

export function passGate(
  keys: ClientKeys,
  limiter: Limiter | undefined,
  input: GateInput,
): GateOutcome | Promise<GateOutcome> {
  const key = input.keyName === undefined ? undefined : keys.get?.(input.keyName);
  if (key !== undefined && key.scope !== undefined && !key.scope(input.model)) {
    return {
      ok: false,
      reason: "scope",
      error: scopeError(key.key.name, input.model),
      headers: {},
    };
  }
  if (limiter === undefined) return PASS;
  if (key?.key.limits === undefined && input.alias?.limits === undefined) return PASS;
  const admitted = limiter.admit({
    key: key?.key,
    alias: input.alias,
    requestId: input.requestId,
    candidates: input.candidates,
    maxTokens: input.maxTokens,
    bodyBytes: input.bodyBytes(),
  });
  const outcome = (result: Awaited<typeof admitted>): GateOutcome =>
    result.ok ? { ok: true, ticket: result.ticket, headers: quotaHeaders(result.quota) } : {
      ok: false,
      reason: result.refusal.reason,
      error: refusalError(result.refusal),
      headers: refusalHeaders(result.refusal, result.quota),
    };
  return admitted instanceof Promise ? admitted.then(outcome) : outcome(admitted);
}
