/**
 * One HTTP call to a provider, with the timeouts of its config and cancellation when the client
 * goes away. The only module that sends upstream traffic, through the server's transport
 * (`transport.ts`), or `fetch` when none is given.
 */
import type { Timeouts } from "../config/types.ts";
import { concatBytes } from "../wire/bytes.ts";
import { FrameEnds } from "../wire/sse_frames.ts";
import { TooLargeError } from "../wire/too_large.ts";
import { callDeadlines, type Deadline } from "./deadlines.ts";
import { type AttemptFailure, connectionFailure, timeoutFailure } from "./failure.ts";
import { viaFetch } from "./transport.ts";
import {
  ConnectTimeoutError,
  type SendUpstream,
  TransportError,
  type TransportFailureKind,
  type UpstreamResponse,
} from "./types.ts";

/** The client went away; not a failure of the provider. */
export class ClientAbortedError extends Error {
  constructor() {
    super("client disconnected");
    this.name = "ClientAbortedError";
  }
}

/** The gateway is shutting down and its grace period is over; not a failure of the provider. */
export class GatewayStoppingError extends Error {
  constructor() {
    super("the gateway is shutting down");
    this.name = "GatewayStoppingError";
  }
}

/** A stream stopped because a time limit passed. */
export class UpstreamTimeoutError extends Error {
  constructor(readonly limit: "first byte" | "idle" | "total", ms: number) {
    super(`upstream ${limit} timeout after ${ms} ms`);
    this.name = "UpstreamTimeoutError";
  }
}

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeouts: Timeouts;
  /** Aborts when the client disconnects. */
  clientSignal: AbortSignal;
  /** Aborts when the gateway stops waiting for in-flight requests at shutdown. */
  stopSignal?: AbortSignal;
  /** How the request reaches the network; the runtime's `fetch` by default. */
  send?: SendUpstream;
}

export type UpstreamOutcome =
  | { ok: true; call: OpenCall }
  | { ok: false; failure: AttemptFailure };

/**
 * A call whose headers arrived. Its body is read through `read()`, which applies the idle and
 * total timeouts. One watchdog deadline per call enforces them (re-armed only when it fires), so
 * a chunk costs no timer of its own: per-chunk timers dominated streaming CPU in the benchmark.
 */
export class OpenCall {
  readonly response: UpstreamResponse;
  readonly #controller: AbortController;
  readonly #idleMs: number | undefined;
  readonly #totalMs: number | undefined;
  readonly #deadline: number | undefined;
  readonly #clientSignal: AbortSignal;
  readonly #onClientAbort: () => void;
  readonly #stopSignal: AbortSignal | undefined;
  readonly #onStop = () => this.#fail(new GatewayStoppingError());
  #started = false;
  #watchdog: Deadline | undefined;
  #lastActivity = 0;
  /** A read is waiting on the upstream; idle time counts only then, not while the client is slow. */
  #reading = false;
  /** Why the call was cut (timeout, shutdown): what a pending read reports instead of "aborted". */
  #failure: Error | undefined;
  #closed = false;
  /** Set by `countIdleByFrames`: only chunks that complete a frame count as activity. */
  #frames: FrameEnds | undefined;

  constructor(
    response: UpstreamResponse,
    controller: AbortController,
    timeouts: Timeouts,
    startedAt: number,
    clientSignal: AbortSignal,
    onClientAbort: () => void,
    stopSignal?: AbortSignal,
  ) {
    this.response = response;
    this.#controller = controller;
    this.#idleMs = timeouts.idleMs;
    this.#totalMs = timeouts.totalMs;
    this.#deadline = timeouts.totalMs === undefined ? undefined : startedAt + timeouts.totalMs;
    this.#clientSignal = clientSignal;
    this.#onClientAbort = onClientAbort;
    this.#stopSignal = stopSignal;
    if (stopSignal !== undefined) {
      if (stopSignal.aborted) this.#failure = new GatewayStoppingError();
      else stopSignal.addEventListener("abort", this.#onStop, { once: true });
    }
  }

  /** Next body chunk; throws `UpstreamTimeoutError` on idle/total timeout, or a network error. */
  async read(): Promise<Uint8Array | undefined> {
    if (this.#failure !== undefined) throw this.#failure;
    if (!this.#started) {
      this.#started = true;
      this.#lastActivity = Date.now();
      this.#arm();
    }
    this.#reading = true;
    try {
      const chunk = await this.response.read();
      if (this.#failure !== undefined) throw this.#failure;
      if (chunk === undefined || this.#frames?.completedIn(chunk) !== false) {
        this.#lastActivity = Date.now();
      }
      return chunk;
    } catch (error) {
      throw this.#failure ?? error;
    } finally {
      this.#reading = false;
    }
  }

  /**
   * From now on the idle limit counts from the last complete server-sent event, not the last
   * byte: a provider trickling one endless line is as stuck as a silent one.
   */
  countIdleByFrames(): void {
    this.#frames = new FrameEnds();
  }

  /**
   * The whole body as text (non-streamed answers and error bodies); the watchdog still applies
   * the idle and total limits (idle counts from the headers, as nothing streams). Past
   * `maxBytes` the call is cut: `overflow: "fail"` throws `TooLargeError`, `"truncate"` returns
   * what fits (an error body is read only as far as a message needs).
   */
  async text(maxBytes = Infinity, overflow: "fail" | "truncate" = "fail"): Promise<string> {
    if (this.#failure !== undefined) throw this.#failure;
    this.#lastActivity = Date.now();
    this.#reading = true;
    this.#arm();
    try {
      const text = maxBytes === Infinity
        ? await this.response.text()
        : await this.#textWithin(maxBytes, overflow);
      if (this.#failure !== undefined) throw this.#failure;
      return text;
    } catch (error) {
      throw this.#failure ?? error;
    } finally {
      this.#reading = false;
      this.close();
    }
  }

  async #textWithin(maxBytes: number, overflow: "fail" | "truncate"): Promise<string> {
    const pieces: Uint8Array[] = [];
    let size = 0;
    for (let chunk = await this.response.read(); chunk !== undefined;) {
      if (size + chunk.byteLength > maxBytes) {
        this.abort();
        if (overflow === "fail") {
          throw new TooLargeError("the provider's answer", maxBytes, "upstream_body_bytes");
        }
        pieces.push(chunk.subarray(0, maxBytes - size));
        break;
      }
      pieces.push(chunk);
      size += chunk.byteLength;
      chunk = await this.response.read();
    }
    return new TextDecoder().decode(pieces.length === 1 ? pieces[0] : concatBytes(pieces));
  }

  /** Stops the upstream request (client gone, timeout, or done); safe to call twice. */
  abort(): void {
    if (this.#closed) return;
    this.#release();
    this.#controller.abort();
    this.response.cancel();
  }

  /** The body was read to its end. */
  close(): void {
    if (this.#closed) return;
    this.#release();
  }

  #release(): void {
    this.#closed = true;
    this.#watchdog?.cancel();
    this.#clientSignal.removeEventListener("abort", this.#onClientAbort);
    this.#stopSignal?.removeEventListener("abort", this.#onStop);
  }

  /** Schedules the next check for the nearer of the idle limit and the total deadline. */
  #arm(): void {
    if (this.#closed) return;
    const now = Date.now();
    if (!this.#reading) this.#lastActivity = now;
    const idleLeft = this.#idleMs === undefined
      ? undefined
      : this.#lastActivity + this.#idleMs - now;
    const totalLeft = this.#deadline === undefined ? undefined : this.#deadline - now;
    const wait = idleLeft === undefined
      ? totalLeft
      : totalLeft === undefined
      ? idleLeft
      : Math.min(idleLeft, totalLeft);
    if (wait === undefined) return;
    if (totalLeft !== undefined && totalLeft <= 0) {
      return this.#fail(new UpstreamTimeoutError("total", this.#totalMs ?? 0));
    }
    if (idleLeft !== undefined && idleLeft <= 0) {
      return this.#fail(new UpstreamTimeoutError("idle", this.#idleMs ?? 0));
    }
    this.#watchdog = callDeadlines.after(wait, () => this.#arm());
  }

  /** Cuts the call; the pending or next read reports `failure`. */
  #fail(failure: Error): void {
    if (this.#closed) return;
    this.#failure = failure;
    this.abort();
  }
}

/**
 * Sends the request and waits for the response headers, within `connectMs`/`firstByteMs`.
 * The HTTP/1.1 client bounds a new connection by `connectMs` on its own (a black-holed host
 * fails after `connectMs`, not `firstByteMs`); `fetch` does not expose the connect phase, so
 * there both bound the wait for headers.
 */
export async function openUpstream(request: UpstreamRequest): Promise<UpstreamOutcome> {
  if (request.clientSignal.aborted) throw new ClientAbortedError();
  const controller = new AbortController();
  const onClientAbort = () => controller.abort();
  request.clientSignal.addEventListener("abort", onClientAbort, { once: true });
  if (request.stopSignal?.aborted) throw new GatewayStoppingError();
  const onStop = () => controller.abort();
  request.stopSignal?.addEventListener("abort", onStop, { once: true });
  const startedAt = Date.now();
  const { firstByteMs, connectMs } = request.timeouts;
  const headerLimit = firstByteMs === undefined
    ? connectMs
    : connectMs === undefined
    ? firstByteMs
    : Math.max(firstByteMs, connectMs);
  let timedOut = false;
  const headerDeadline = headerLimit === undefined
    ? undefined
    : callDeadlines.after(headerLimit, () => {
      timedOut = true;
      controller.abort();
    });
  try {
    const response = await (request.send ?? viaFetch)(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
      connectTimeoutMs: request.timeouts.connectMs,
    });
    return {
      ok: true,
      call: new OpenCall(
        response,
        controller,
        request.timeouts,
        startedAt,
        request.clientSignal,
        onClientAbort,
        request.stopSignal,
      ),
    };
  } catch (error) {
    request.clientSignal.removeEventListener("abort", onClientAbort);
    if (request.clientSignal.aborted) throw new ClientAbortedError();
    if (request.stopSignal?.aborted) throw new GatewayStoppingError();
    if (timedOut && !(error instanceof ConnectTimeoutError)) {
      return {
        ok: false,
        failure: timeoutFailure(`no response headers within ${headerLimit} ms`),
      };
    }
    return { ok: false, failure: transportFailure(error) };
  } finally {
    headerDeadline?.cancel();
    request.stopSignal?.removeEventListener("abort", onStop);
  }
}

/** The failure a transport's error stands for; anything else is a connection failure. */
function transportFailure(error: unknown): AttemptFailure {
  const kind = error instanceof TransportError ? error.kind : "other";
  // No connection within connect_ms: the host is unreachable for every model of the provider.
  if (kind === "connect_timeout") return connectionFailure((error as Error).message);
  return connectionFailure(FAILURE_TEXT[kind], kind === "reset");
}

/** Short, secret-free descriptions: never the runtime's message, which may name hosts or paths. */
const FAILURE_TEXT: Record<TransportFailureKind, string> = {
  connect_timeout: "connect timed out",
  refused: "connection refused",
  reset: "connection reset",
  dns: "host name could not be resolved",
  tls: "TLS error",
  malformed: "malformed HTTP response",
  other: "connection failed",
};
