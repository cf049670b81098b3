/**
 * One try at one target, as the answer modules see it, and what a failure in the middle of an
 * answer means for the client.
 */
import { DEFAULT_LIMITS, type Limits } from "../config/limits.ts";
import { TooLargeError } from "../wire/too_large.ts";
import type { Codec, InboundCodec, SseEvent } from "../codecs/codec.ts";
import { GatewayError } from "../codecs/unified.ts";
import type { Candidate } from "../routing/resolve.ts";
import { GatewayStoppingError, type OpenCall, UpstreamTimeoutError } from "../upstream/call.ts";
import { type AttemptFailure, badResponseFailure } from "../upstream/failure.ts";
import type { RequestRecord } from "../usage/record.ts";

/** Status for a client that left before the answer was complete (nginx's convention). */
export const CLIENT_CLOSED = 499;

/** Ends a request's usage record: called exactly once per request. */
export type Complete = (status: number, error?: RequestRecord["error"]) => void;

export interface Attempt {
  outCodec: Codec;
  inCodec: InboundCodec;
  passThrough: boolean;
  /** Pass-through events only Plexus asked for; re-framed without them. */
  isHidden?: (event: SseEvent) => boolean;
  call: OpenCall;
  attemptStart: number;
  candidate: Candidate;
  /** Caps on what the provider may send back; the defaults when absent. */
  limits?: Pick<Limits, "upstreamBodyBytes" | "upstreamFrameBytes">;
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
