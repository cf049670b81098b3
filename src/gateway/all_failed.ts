/** The one error a client gets when no target could answer. */
import { GatewayError } from "../codecs/unified.ts";
import type { Candidate } from "../routing/resolve.ts";
import type { AttemptFailure } from "../upstream/failure.ts";

/**
 * With a single attempt the client learns that attempt's status and message, except that a
 * provider refusing Plexus's own credentials (401/403) is a gateway problem (502), not the
 * client's. With several: 429 when all were rate limits, else 503, listing every attempt.
 */
export function allTargetsFailedError(
  model: string,
  failures: Array<{ candidate: Candidate; failure: AttemptFailure }>,
): GatewayError {
  const waits = failures.map((f) => f.failure.retryAfterMs).filter((ms) => ms !== undefined);
  const retryAfter = waits.length > 0 ? Math.ceil(Math.min(...waits) / 1000) : undefined;
  if (failures.length === 0) {
    return new GatewayError("unavailable", `No target is available for model '${model}'.`);
  }
  if (failures.length === 1) {
    const { candidate, failure } = failures[0];
    const where = `${candidate.provider}/${candidate.model}`;
    if (failure.status === 401 || failure.status === 403) {
      return new GatewayError(
        "bad_gateway",
        `Provider rejected the gateway's credentials for ${where} (${failure.status}): ${failure.message}`,
      );
    }
    return new GatewayError(failure.kind, `${where}: ${failure.message}`, {
      status: failure.status,
      retryAfter,
    });
  }
  const allRateLimited = failures.every((f) => f.failure.status === 429);
  const list = failures
    .map((f) =>
      `${f.candidate.provider}/${f.candidate.model}: ${f.failure.status ?? ""} ${f.failure.message}`
        .trim()
    )
    .join("; ");
  return new GatewayError(
    allRateLimited ? "rate_limit" : "unavailable",
    `Every target for model '${model}' failed (${failures.length} attempts): ${list}`,
    { retryAfter },
  );
}
