/**
 * One try at one target, as the answer modules see it, and what a failure in the middle of an
 * answer means for the client.
 */
import { DEFAULT_LIMITS, type Limits } from "../config/limits.ts";
import { TooLargeError } from "../wire/too_large.ts";
import type { Codec, InboundCodec, SseEvent } from "../codecs/codec.ts";
import type { ApiName } from "../codecs/registry.ts";
import { GatewayError } from "../codecs/unified.ts";
import type { Candidate } from "../routing/resolve.ts";
import { GatewayStoppingError, type OpenCall, UpstreamTimeoutError } from "../upstream/call.ts";
import { type AttemptFailure, badResponseFailure } from "../upstream/failure.ts";
import type { RequestRecord } from "../usage/record.ts";

/** Status for a client that left before the answer was complete (nginx's convention). */
export const CLIENT_CLOSED = 499;

/** Ends a request's usage record: called exactly once per request. */
export type Complete = (status: number, error?: RequestRecord["error"]) => void;

/** Where one attempt went, and when it started. */
export interface AttemptTarget {
  candidate: Candidate;
  /** The provider's API. */
  apiOut: ApiName;
  attemptStart: number;
}

export interface Attempt extends AttemptTarget {
  outCodec: Codec;
  inCodec: InboundCodec;
  passThrough: boolean;
  /** Pass-through events only Plexus asked for; re-framed without them. */
  isHidden?: (event: SseEvent) => boolean;
  call: OpenCall;
  /** Caps on what the provider may send back; the defaults when absent. */
  limits?: Pick<Limits, "upstreamBodyBytes" | "upstreamFrameBytes">;
}

/**
 * One attempt's line in the usage record; the request is logged under the target of its last
 * attempt. Returns the attempt's duration.
 */
export function recordAttempt(
  record: RequestRecord,
  target: AttemptTarget,
  status: number,
  reason?: string,
): number {
  const ms = Date.now() - target.attemptStart;
  const { provider, model } = target.candidate;
  record.provider = provider;
  record.model = model;
  record.apiOut = target.apiOut;
  record.attempts.push(
    reason === undefined
      ? { provider, model, status, ms }
      : { provider, model, status, reason, ms },
  );
  return ms;
}

export function stoppingError(): GatewayError {
  return new GatewayError(
    "unavailable",
    "The gateway is shutting down and could not finish this request in its grace period.",
  );
}

/** The status and kind a mid-body failure stands for. */
export function streamFailure(error: unknown): AttemptFailure {
  if (error instanceof GatewayStoppingError) {
    return {
      reason: "connection",
      status: 503,
      kind: "unavailable",
      message: stoppingError().message,
      fallback: false,
      providerWide: false,
    };
  }
  if (error instanceof UpstreamTimeoutError) {
    return {
      reason: "timeout",
      status: 504,
      kind: "timeout",
      message: error.message,
      fallback: true,
      providerWide: false,
    };
  }
  if (error instanceof TooLargeError) return badResponseFailure(error.message);
  return badResponseFailure("upstream stream broke or could not be read before it was complete");
}

/** The caps on what this attempt's provider may send back. */
export function attemptLimits(
  attempt: Attempt,
): Pick<Limits, "upstreamBodyBytes" | "upstreamFrameBytes"> {
  return attempt.limits ?? DEFAULT_LIMITS;
}
