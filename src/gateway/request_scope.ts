/**
 * What one generation request carries through its steps: its input, the running gateway, the
 * caller's dialect, its usage record and the ways it can end. Exactly one usage record leaves
 * per request, whichever way it ends.
 */
import type { EncodeContext, InboundCodec, InboundContext } from "../codecs/codec.ts";
import { type ApiName, inboundCodec } from "../codecs/registry.ts";
import type { GatewayError, UnifiedRequest } from "../codecs/unified.ts";
import type { Candidate } from "../routing/resolve.ts";
import type { RequestTrace } from "../telemetry/request_trace.ts";
import type { RequestRecord } from "../usage/record.ts";
import type { ResponsesState } from "./responses_state.ts";
import { CLIENT_CLOSED, type Complete } from "./attempt.ts";
import type { Gateway } from "./gateway.ts";
import { errorResponse } from "./respond.ts";

export interface GenerationInput {
  request: Request;
  url: URL;
  apiIn: ApiName;
  inbound: InboundContext;
  requestId: string;
  startedAt: number;
  clientIp?: string;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
  /** The request's trace when telemetry is on: each attempt sends its `traceparent`. */
  trace?: RequestTrace;
  /** Called once the body was read whole, authenticated and within the limits. */
  bodyReceived?(body: Record<string, unknown>): void;
}

/** The request as read and routed: what every candidate is tried with. */
export interface ReadRequest {
  raw: Record<string, unknown>;
  unified: UnifiedRequest;
  candidates: Candidate[];
  encodeContext: EncodeContext;
  /** Responses server-side state the request refers to or asks to keep (`responses_state.ts`). */
  state?: ResponsesState;
}

export interface RequestScope {
  input: GenerationInput;
  gw: Gateway;
  /** The caller's dialect. */
  client: InboundCodec;
  record: RequestRecord;
  /** Headers every answer carries (`x-request-id`, rate limits). */
  headers: Record<string, string>;
  /** Ends the usage record with any status; later calls do nothing. */
  complete: Complete;
  /** Ends the record with the error and answers it in the caller's dialect. */
  fail(error: GatewayError): Response;
  /** The client went away: a 499 record, and a response nobody reads. */
  clientGone(): Response;
}

export function openScope(input: GenerationInput, gw: Gateway): RequestScope {
  const client = inboundCodec(input.apiIn);
  const record: RequestRecord = {
    requestId: input.requestId,
    startedAt: input.startedAt,
    apiIn: input.apiIn,
    stream: input.inbound.stream ?? false,
    status: 0,
    attempts: [],
    usageSource: "none",
    durationMs: 0,
    clientIp: input.clientIp,
    userAgent: input.request.headers.get("user-agent") ?? undefined,
    trace: input.trace,
  };
  let recorded = false;
  const complete: Complete = (status, error) => {
    if (recorded) return;
    recorded = true;
    record.status = status;
    if (error !== undefined) record.error = error;
    record.durationMs = Date.now() - input.startedAt;
    gw.usage.record(record);
  };
  const headers: Record<string, string> = { "x-request-id": input.requestId };
  return {
    input,
    gw,
    client,
    record,
    headers,
    complete,
    fail(error) {
      complete(error.status, { kind: error.kind, message: error.message });
      return errorResponse(client, error, headers);
    },
    clientGone() {
      complete(CLIENT_CLOSED, { kind: "client_aborted", message: "client disconnected" });
      return new Response(null, { status: CLIENT_CLOSED, headers });
    },
  };
}
