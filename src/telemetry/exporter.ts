/**
 * Sends finished requests' spans to an OTLP/HTTP collector, off the request path: records are
 * queued (bounded: past `maxQueueSpans` they are dropped and counted), turned into spans and
 * encoded only when a batch leaves, one export at a time, each within a deadline. A slow or dead
 * collector costs dropped spans, never a slower or failed request.
 */
import type { RequestRecord, UsageSink } from "../usage/record.ts";
import { Counter } from "../usage/prometheus.ts";
import { encodeJson, encodeProtobuf, type Resource } from "./otlp_encode.ts";
import { type SpanData, spansOf } from "./spans.ts";
import type { TelemetrySettings } from "./settings.ts";
import { newSpanId } from "./trace_context.ts";

/** Spans per export request, and how long a partial batch waits (the SDKs' BatchSpanProcessor
 * defaults are 512 and 5 s; one second keeps traces close to live for an operator). */
const MAX_BATCH_SPANS = 512;
const FLUSH_INTERVAL_MS = 1000;

export class SpanExporter implements UsageSink {
  readonly exported = new Counter(
    "plexus_otel_spans_exported_total",
    "Spans accepted by the OTLP collector.",
  );
  readonly dropped = new Counter(
    "plexus_otel_spans_dropped_total",
    "Spans not delivered, by reason (queue_full, export_failed).",
  );
  readonly #settings: TelemetrySettings;
  readonly #resource: Resource;
  readonly #send: typeof fetch;
  #queue: RequestRecord[] = [];
  #queuedSpans = 0;
  #exporting: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failing = false;

  constructor(settings: TelemetrySettings, version: string, send: typeof fetch = fetch) {
    this.#settings = settings;
    this.#send = send;
    const attributes: Resource["attributes"] = [
      ["service.name", { string: settings.serviceName }],
      ["service.version", { string: version }],
      ["telemetry.sdk.name", { string: "plexus" }],
      ["telemetry.sdk.language", { string: "js" }],
    ];
    for (const [key, value] of Object.entries(settings.resource)) {
      if (key !== "service.name") attributes.push([key, { string: value }]);
    }
    this.#resource = { attributes };
  }

  record(record: RequestRecord): void {
    if (record.trace === undefined || !record.trace.sampled) return;
    const count = 1 + record.attempts.length;
    if (this.#queuedSpans + count > this.#settings.maxQueueSpans) {
      this.dropped.inc({ reason: "queue_full" }, count);
      return;
    }
    this.#queue.push(record);
    this.#queuedSpans += count;
    if (this.#queuedSpans >= MAX_BATCH_SPANS) this.#startExport();
    else this.#timer ??= this.#armTimer();
  }

  #armTimer(): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timer = undefined;
      this.#startExport();
    }, FLUSH_INTERVAL_MS);
    timer.unref();
    return timer;
  }

  #startExport(): void {
    if (this.#exporting !== undefined || this.#queue.length === 0) return;
    this.#exporting = this.#exportAll().finally(() => {
      this.#exporting = undefined;
      if (this.#queue.length > 0) this.#timer ??= this.#armTimer();
    });
  }

  async #exportAll(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch: SpanData[] = [];
      while (this.#queue.length > 0 && batch.length < MAX_BATCH_SPANS) {
        const record = this.#queue.shift()!;
        batch.push(...spansOf(record, record.trace!, newSpanId));
      }
      this.#queuedSpans = Math.max(0, this.#queuedSpans - batch.length);
      await this.#post(batch);
    }
  }

  async #post(spans: SpanData[]): Promise<void> {
    const json = this.#settings.protocol === "http/json";
    try {
      const response = await this.#send(this.#settings.url, {
        method: "POST",
        headers: {
          ...this.#settings.headers,
          "content-type": json ? "application/json" : "application/x-protobuf",
        },
        body: json ? encodeJson(this.#resource, spans) : encodeProtobuf(this.#resource, spans),
        redirect: "manual",
        signal: AbortSignal.timeout(this.#settings.exportTimeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the collector answered ${response.status}`);
      this.exported.inc({}, spans.length);
      this.#failing = false;
    } catch (error) {
      this.dropped.inc({ reason: "export_failed" }, spans.length);
      // Once per outage: a dead collector must not flood stderr. Never print the headers.
      if (!this.#failing) {
        const why = error instanceof Error ? error.message : String(error);
        console.error(`plexus: trace export to ${this.#settings.url} failed: ${why}`);
      }
      this.#failing = true;
    }
  }

  /** Exports what is queued; call on shutdown once in-flight requests finished. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#exporting;
    this.#startExport();
    await this.#exporting;
  }

  render(): string {
    return this.exported.render() + this.dropped.render();
  }
}
