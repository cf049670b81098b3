/**
 * The trace of one request while it runs: the server span's ids (a child of the client's
 * `traceparent` when it sent one) and one span id per upstream attempt, handed out as each
 * attempt's `traceparent` is written. The spans themselves are built once the request is over,
 * from its usage record (`spans.ts`), so the request path allocates no span objects.
 */
import type { TraceIds } from "../usage/record.ts";
import {
  formatTraceparent,
  newSpanId,
  newTraceId,
  parseTraceparent,
  sampledFor,
  type SpanContext,
} from "./trace_context.ts";

export class RequestTrace implements TraceIds {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly sampled: boolean;
  readonly attempts: Array<{ spanId: string; startedAt: number }> = [];

  constructor(parent: SpanContext | undefined, sampleRatio: number) {
    this.traceId = parent?.traceId ?? newTraceId();
    this.spanId = newSpanId();
    this.parentSpanId = parent?.spanId;
    this.sampled = sampledFor(parent, this.traceId, sampleRatio);
  }

  static fromHeaders(headers: Headers, sampleRatio: number): RequestTrace {
    return new RequestTrace(parseTraceparent(headers.get("traceparent")), sampleRatio);
  }

  /** A new client span for an upstream attempt starting now, as the `traceparent` carrying it. */
  nextAttemptTraceparent(now = Date.now()): string {
    const spanId = newSpanId();
    this.attempts.push({ spanId, startedAt: now });
    return formatTraceparent({ traceId: this.traceId, spanId, sampled: this.sampled });
  }
}
