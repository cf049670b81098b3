/**
 * One HTTP call to a provider, with the timeouts of its config and cancellation when the client
 * goes away. The only module that calls `fetch` for upstream traffic.
 */
import type { Timeouts } from "../config/types.ts";
import { type AttemptFailure, connectionFailure, timeoutFailure } from "./failure.ts";

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
}

export type UpstreamOutcome =
  | { ok: true; call: OpenCall }
  | { ok: false; failure: AttemptFailure };

/** A call whose headers arrived. Its body is read through `read()`, which applies the timeouts. */
export class OpenCall {
  readonly response: Response;
  readonly #controller: AbortController;
  readonly #timeouts: Timeouts;
  readonly #deadline: number | undefined;
  readonly #clientSignal: AbortSignal;
  readonly #onClientAbort: () => void;
  readonly #stopSignal: AbortSignal | undefined;
  /** Rejects with `GatewayStoppingError` when the stop signal fires; raced with every read. */
  readonly #stopped: Promise<never> | undefined;
  #onStop: () => void = () => {};
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #closed = false;

  constructor(
    response: Response,
    controller: AbortController,
    timeouts: Timeouts,
    startedAt: number,
    clientSignal: AbortSignal,
    onClientAbort: () => void,
    stopSignal?: AbortSignal,
  ) {
    this.response = response;
    this.#controller = controller;
    this.#timeouts = timeouts;
    this.#deadline = timeouts.totalMs === undefined ? undefined : startedAt + timeouts.totalMs;
    this.#clientSignal = clientSignal;
    this.#onClientAbort = onClientAbort;
    this.#stopSignal = stopSignal;
    if (stopSignal !== undefined) {
      this.#stopped = new Promise<never>((_, reject) => {
        this.#onStop = () => reject(new GatewayStoppingError());
        if (stopSignal.aborted) this.#onStop();
        else stopSignal.addEventListener("abort", this.#onStop, { once: true });
      });
      this.#stopped.catch(() => {});
    }
  }

  /** Next body chunk; throws `UpstreamTimeoutError` on idle/total timeout, or a network error. */
  async read(): Promise<Uint8Array | undefined> {
    if (this.#reader === undefined) {
      if (this.response.body === null) return undefined;
      this.#reader = this.response.body.getReader();
    }
    if (this.#stopSignal?.aborted) throw new GatewayStoppingError();
    const reader = this.#reader;
    const pending: Array<Promise<ReadableStreamReadResult<Uint8Array>>> = [reader.read()];
    if (this.#stopped !== undefined) pending.push(this.#stopped);
    const idle = this.#timeouts.idleMs;
    const remaining = this.#deadline === undefined ? undefined : this.#deadline - Date.now();
    const limitMs = idle === undefined
      ? remaining
      : remaining === undefined
      ? idle
      : Math.min(idle, remaining);
    if (limitMs === undefined) {
      const { value, done } = await Promise.race(pending);
      return done ? undefined : value;
    }
    if (limitMs <= 0) throw this.#timeout("total", this.#timeouts.totalMs ?? 0);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const total = remaining !== undefined && remaining <= (idle ?? Infinity);
        // Reject before aborting: the abort also fails the pending read, and the race must
        // report the timeout, not the abort it caused.
        reject(
          total
            ? new UpstreamTimeoutError("total", this.#timeouts.totalMs ?? 0)
            : new UpstreamTimeoutError("idle", idle ?? 0),
        );
        this.abort();
      }, limitMs);
    });
    try {
      const { value, done } = await Promise.race([...pending, timeout]);
      return done ? undefined : value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The whole body as text (non-streamed answers), under the same timeouts. */
  async text(): Promise<string> {
    const decoder = new TextDecoder();
    let text = "";
    for (let chunk = await this.read(); chunk !== undefined; chunk = await this.read()) {
      text += decoder.decode(chunk, { stream: true });
    }
    this.close();
    return text + decoder.decode();
  }

  /** Stops the upstream request (client gone, timeout, or done); safe to call twice. */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clientSignal.removeEventListener("abort", this.#onClientAbort);
    this.#stopSignal?.removeEventListener("abort", this.#onStop);
    this.#controller.abort();
    this.#reader?.cancel().catch(() => {});
  }

  /** The body was read to its end. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clientSignal.removeEventListener("abort", this.#onClientAbort);
    this.#stopSignal?.removeEventListener("abort", this.#onStop);
  }

  #timeout(limit: "idle" | "total", ms: number): UpstreamTimeoutError {
    this.abort();
    return new UpstreamTimeoutError(limit, ms);
  }
}

/**
 * Sends the request and waits for the response headers, within `connectMs`/`firstByteMs`
 * (fetch does not expose the connect phase, so both bound the wait for headers).
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
  const timer = headerLimit === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, headerLimit);
  try {
    const response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
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
    if (timedOut) {
      return {
        ok: false,
        failure: timeoutFailure(`no response headers within ${headerLimit} ms`),
      };
    }
    const description = describeNetworkError(error);
    return {
      ok: false,
      failure: connectionFailure(description, description === CONNECTION_RESET),
    };
  } finally {
    clearTimeout(timer);
    request.stopSignal?.removeEventListener("abort", onStop);
  }
}

/**
 * A short, secret-free description of a fetch failure. Deno's `fetch` says only "fetch failed";
 * the reason is in its `cause` chain ("Connection refused", "dns error", "connection closed
 * before message completed").
 */
export function describeNetworkError(error: unknown): string {
  const text = errorChainText(error);
  if (/connection refused|ECONNREFUSED/i.test(text)) return "connection refused";
  if (/reset|ECONNRESET|connection closed before message completed/i.test(text)) {
    return CONNECTION_RESET;
  }
  if (/dns|lookup|name or service|ENOTFOUND/i.test(text)) return "host name could not be resolved";
  if (/certificate|tls|ssl/i.test(text)) return "TLS error";
  return "connection failed";
}

export const CONNECTION_RESET = "connection reset";

function errorChainText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" | ");
}
