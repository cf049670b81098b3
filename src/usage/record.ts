/** What Plexus remembers about one request once it is over: the input of logs and metrics. */
import type { ApiName } from "../codecs/registry.ts";
import type { ErrorKind, StopReason, Usage } from "../codecs/unified.ts";
import type { LimitTicket } from "../limits/admission.ts";

export interface AttemptRecord {
  provider: string;
  model: string;
  /** Upstream HTTP status, or the status Plexus assigned (502 connection, 504 timeout). */
  status: number;
  /** Why it failed, when it did. */
  reason?: string;
  ms: number;
}

export interface RequestRecord {
  requestId: string;
  /** Epoch ms when the request reached Plexus. */
  startedAt: number;
  /** Name of the client key; never the secret. */
  key?: string;
  apiIn: ApiName;
  modelRequested?: string;
  alias?: string;
  provider?: string;
  model?: string;
  apiOut?: ApiName;
  stream: boolean;
  /** Status the client got (499 when it went away first). */
  status: number;
  error?: { kind: ErrorKind | "client_aborted"; message: string };
  attempts: AttemptRecord[];
  usage?: Usage;
  /**
   * `provider`: the upstream reported usage; `estimated`: it reports none for this kind of call
   * (Gemini embeddings), so Plexus counted; `none`: no usage (aborted, omitted).
   */
  usageSource: "provider" | "estimated" | "none";
  /** `embedding` for embeddings requests; generation when absent. */
  kind?: "embedding";
  /** Ms from arrival to the first content token sent to the client. */
  ttftMs?: number;
  durationMs: number;
  /** Ms spent waiting on the upstream (headers to end of body). */
  upstreamMs?: number;
  clientIp?: string;
  userAgent?: string;
  /** Why Plexus refused the request itself: `scope`, or the limit it hit (docs/teams.md). */
  refused?: string;
  /** Limits the request holds until its usage is known (src/limits/). */
  limitTicket?: LimitTicket;
  /** Why the answer ended (the final target's stop reason), when it did. */
  finishReason?: StopReason;
  /** The request's trace, when telemetry is on (`src/telemetry/`). */
  trace?: TraceIds;
  /** The answer's id as the provider gave it (a Responses provider's `resp_...`). */
  responseId?: string;
  /** Hosted tools the target could not run, left out of a translated request (client names). */
  droppedTools?: string[];
}

/** What a finished record needs to become spans; `RequestTrace` keeps these while it runs. */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly sampled: boolean;
  /** One per upstream attempt whose request went out with a `traceparent`, in order. */
  readonly attempts: ReadonlyArray<{ spanId: string; startedAt: number }>;
}

/** The usage logs, metrics and statistics count: reported or estimated, never invented. */
export function countedUsage(record: RequestRecord): Usage | undefined {
  return record.usageSource === "none" ? undefined : record.usage;
}

/** Where finished records go. Must not block: implementations buffer. */
export interface UsageSink {
  record(record: RequestRecord): void;
}

export const DISCARD_USAGE: UsageSink = { record: () => {} };
