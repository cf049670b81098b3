/** A non-streamed answer: read whole, translated (or passed through), and accounted for. */
import { scrubSecrets } from "../auth/secrets.ts";
import type { EncodeContext } from "../codecs/codec.ts";
import type { UnifiedRequest } from "../codecs/unified.ts";
import { type AttemptFailure, badResponseFailure } from "../upstream/failure.ts";
import type { RequestRecord } from "../usage/record.ts";
import { type Attempt, attemptLimits, recordAttempt, streamFailure } from "./attempt.ts";

/** A non-streamed answer: read it whole, translate it, or say why this target failed. */
export async function answerWhole(
  attempt: Attempt,
  unified: UnifiedRequest,
  encodeContext: EncodeContext,
  record: RequestRecord,
  headers: Record<string, string>,
): Promise<{ response: Response } | { failure: AttemptFailure }> {
  let text: string;
  try {
    text = await attempt.call.text(attemptLimits(attempt).upstreamBodyBytes);
  } catch (error) {
    return { failure: streamFailure(error) };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { failure: badResponseFailure("upstream answered with a body that is not JSON") };
  }
  let response;
  try {
    response = attempt.outCodec.toUnifiedResponse(body, unified);
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : "";
    return { failure: badResponseFailure(`upstream answer could not be read${detail}`) };
  }
  record.usage = response.usage;
  record.responseId = response.id;
  record.finishReason = response.stopReason;
  record.usageSource = "provider";
  record.upstreamMs = recordAttempt(record, attempt, 200);
  // A provider may echo what it received, keys and configured headers included.
  const out = scrubSecrets(
    attempt.passThrough
      ? text
      : JSON.stringify(attempt.inCodec.fromUnifiedResponse(response, encodeContext)),
  );
  return {
    response: new Response(out, {
      status: 200,
      headers: { "content-type": "application/json", ...headers },
    }),
  };
}
