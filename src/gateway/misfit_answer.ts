/**
 * Answers that cannot be what was asked for, whatever their body: a redirect (Plexus never
 * follows one: the provider's key would go to another address) and a whole JSON body for a
 * streamed request. Both are the provider's failure, so the next target is tried before the
 * client got a byte, and a client with no target left gets a 502 in its own dialect.
 */
import { type AttemptFailure, badResponseFailure } from "../upstream/failure.ts";
import type { UpstreamResponse } from "../upstream/types.ts";

export function misfitAnswer(
  response: Pick<UpstreamResponse, "status" | "headers">,
  streamed: boolean,
): AttemptFailure | undefined {
  const { status } = response;
  if (status >= 300 && status <= 399) {
    return badResponseFailure(
      `the provider answered with a redirect (${status}); redirects are not followed`,
    );
  }
  if (!streamed || status < 200 || status > 299) return undefined;
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json") {
    return badResponseFailure(
      "the provider answered a streamed request with a whole JSON body instead of a stream",
    );
  }
  return undefined;
}
