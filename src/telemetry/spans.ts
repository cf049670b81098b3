/**
 * A finished request as OpenTelemetry spans, named and attributed after the GenAI semantic
 * conventions (opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/): one SERVER span for the
 * client's call and one CLIENT span per upstream attempt, so fallbacks and retries show as
 * siblings. Pure: everything comes from the usage record and its trace ids.
 */
import type { ApiName } from "../codecs/registry.ts";
import { kindForStatus, type Usage } from "../codecs/unified.ts";
import {
  type AttemptRecord,
  countedUsage,
  type RequestRecord,
  type TraceIds,
} from "../usage/record.ts";

/** An attribute value with the OTLP type it is sent as. */
export type AttributeValue =
  | { string: string }
  | { int: number }
  | { double: number }
  | { bool: boolean }
  | { strings: string[] };

export type Attributes = Array<[string, AttributeValue]>;

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: "server" | "client";
  startMs: number;
  endMs: number;
  attributes: Attributes;
  /** OTLP status: error with a message, or unset. */
  error?: string;
}

/** `gen_ai.operation.name` per inbound API (semconv "Well-known values"). */
const OPERATION: Partial<Record<ApiName, string>> = {
  chat: "chat",
  messages: "chat",
  responses: "chat",
  gemini: "generate_content",
};

export function operationOf(record: Pick<RequestRecord, "apiIn" | "kind">): string {
  if (record.kind === "embedding") return "embeddings";
  return OPERATION[record.apiIn] ?? "chat";
}

function put(attrs: Attributes, key: string, value: string | number | undefined, int = true) {
  if (value === undefined) return;
  if (typeof value === "string") attrs.push([key, { string: value }]);
  else attrs.push([key, int ? { int: value } : { double: value }]);
}

/** Token counts as the conventions name them: input includes cached tokens. */
function usageAttributes(attrs: Attributes, usage: Usage | undefined): void {
  if (usage === undefined) return;
  put(attrs, "gen_ai.usage.input_tokens", usage.inputTokens);
  put(attrs, "gen_ai.usage.output_tokens", usage.outputTokens);
  put(attrs, "gen_ai.usage.cache_read.input_tokens", usage.cacheReadTokens);
  put(attrs, "gen_ai.usage.cache_creation.input_tokens", usage.cacheWriteTokens);
  put(attrs, "gen_ai.usage.reasoning.output_tokens", usage.reasoningTokens);
}

/** What the answer carried: model, finish reason, usage and time to first token. */
function answerAttributes(attrs: Attributes, record: RequestRecord): void {
  put(attrs, "gen_ai.response.model", record.model);
  if (record.finishReason !== undefined) {
    attrs.push(["gen_ai.response.finish_reasons", { strings: [record.finishReason] }]);
  }
  usageAttributes(attrs, countedUsage(record));
  if (record.ttftMs !== undefined) {
    put(attrs, "gen_ai.server.time_to_first_token", record.ttftMs / 1000, false);
  }
}

function serverSpan(record: RequestRecord, trace: TraceIds): SpanData {
  const operation = operationOf(record);
  const attrs: Attributes = [];
  put(attrs, "gen_ai.operation.name", operation);
  put(attrs, "gen_ai.request.model", record.modelRequested);
  put(attrs, "gen_ai.provider.name", record.provider);
  answerAttributes(attrs, record);
  put(attrs, "http.request.method", "POST");
  put(attrs, "http.response.status_code", record.status);
  put(attrs, "plexus.request_id", record.requestId);
  put(attrs, "plexus.key", record.key);
  put(attrs, "plexus.alias", record.alias);
  put(attrs, "plexus.api_in", record.apiIn);
  put(attrs, "plexus.api_out", record.apiOut);
  put(attrs, "plexus.stream", record.stream ? "true" : "false");
  put(attrs, "plexus.refused", record.refused);
  if (record.error !== undefined) put(attrs, "error.type", record.error.kind);
  return {
    traceId: trace.traceId,
    spanId: trace.spanId,
    parentSpanId: trace.parentSpanId,
    name: record.modelRequested === undefined ? operation : `${operation} ${record.modelRequested}`,
    kind: "server",
    startMs: record.startedAt,
    endMs: record.startedAt + record.durationMs,
    attributes: attrs,
    error: record.error !== undefined && record.status >= 500 ? record.error.message : undefined,
  };
}

function attemptSpan(
  record: RequestRecord,
  trace: TraceIds,
  attempt: AttemptRecord,
  ids: { spanId: string; startMs: number; answered: boolean },
): SpanData {
  const operation = operationOf(record);
  const attrs: Attributes = [];
  put(attrs, "gen_ai.operation.name", operation);
  put(attrs, "gen_ai.provider.name", attempt.provider);
  put(attrs, "gen_ai.request.model", attempt.model);
  if (ids.answered) answerAttributes(attrs, record);
  put(attrs, "http.response.status_code", attempt.status);
  put(attrs, "plexus.request_id", record.requestId);
  const failed = !ids.answered && (attempt.status < 200 || attempt.status > 299);
  if (failed) put(attrs, "error.type", kindForStatus(attempt.status));
  return {
    traceId: trace.traceId,
    spanId: ids.spanId,
    parentSpanId: trace.spanId,
    name: `${operation} ${attempt.model}`,
    kind: "client",
    startMs: ids.startMs,
    endMs: ids.startMs + attempt.ms,
    attributes: attrs,
    error: failed ? attempt.reason ?? `status ${attempt.status}` : undefined,
  };
}

/**
 * The server span and one client span per attempt. An attempt retried on the same target after
 * a reset connection reused its first `traceparent`; it gets a span id of its own here, starting
 * where the previous attempt ended.
 */
export function spansOf(
  record: RequestRecord,
  trace: TraceIds,
  newSpanId: () => string,
): SpanData[] {
  const spans = [serverSpan(record, trace)];
  let previousEnd = record.startedAt;
  const answeredIndex = record.status >= 200 && record.status < 300
    ? record.attempts.length - 1
    : -1;
  record.attempts.forEach((attempt, i) => {
    const sent = trace.attempts[i];
    const startMs = sent?.startedAt ?? previousEnd;
    spans.push(attemptSpan(record, trace, attempt, {
      spanId: sent?.spanId ?? newSpanId(),
      startMs,
      answered: i === answeredIndex,
    }));
    previousEnd = startMs + attempt.ms;
  });
  return spans;
}
