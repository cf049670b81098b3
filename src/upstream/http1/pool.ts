/**
 * Idle keep-alive connections per origin, most recently used first, so a busy gateway keeps
 * reusing a small warm set and the rest age out.
 */
import { ConnectTimeoutError, TransportError, type TransportFailureKind } from "../types.ts";
import { Http1Connection, type Origin } from "./connection.ts";

export interface PoolOptions {
  /** Idle connections kept per origin; more are closed when released. */
  maxIdlePerOrigin: number;
  /** An idle connection older than this is closed instead of reused (unless the server said less). */
  idleTimeoutMs: number;
  /** Extra trusted CA certificates (PEM) for TLS; the runtime's store (and `DENO_CERT`) otherwise. */
  caCerts?: string[];
}

export class ConnectionPool {
  readonly #options: PoolOptions;
  readonly #idle = new Map<string, Http1Connection[]>();
  /** Every open connection, idle or busy, so `close()` leaves nothing behind. */
  readonly #open = new Set<Http1Connection>();
  readonly #onGone = (connection: Http1Connection) => this.#drop(connection);

  constructor(options: PoolOptions) {
    this.#options = options;
  }

  /** A warm idle connection to `origin`, or undefined when there is none to reuse. */
  takeIdle(origin: Origin, now = Date.now()): Http1Connection | undefined {
    const list = this.#idle.get(origin.key);
    while (list !== undefined && list.length > 0) {
      const connection = list.pop()!;
      const limit = Math.min(
        this.#options.idleTimeoutMs,
        // Leave a second of margin before the server's own idle deadline.
        connection.keepAliveMs === undefined ? Infinity : connection.keepAliveMs - 1000,
      );
      if (connection.closed || now - connection.idleSince >= limit) {
        this.#drop(connection);
        continue;
      }
      connection.unpark();
      return connection;
    }
    return undefined;
  }

  /**
   * Opens a new connection to `origin`; the caller owns it until `release` or `discard`. With
   * `connectTimeoutMs`, TCP and TLS together must finish in time, else `ConnectTimeoutError`.
   */
  async open(
    origin: Origin,
    signal: AbortSignal,
    connectTimeoutMs?: number,
  ): Promise<Http1Connection> {
    if (connectTimeoutMs === undefined) return await this.#connect(origin, signal);
    const bounded = new AbortController();
    const onAbort = () => bounded.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    // New connections are rare next to reused ones, so one runtime timer per connect is cheap.
    const timer = setTimeout(
      () => bounded.abort(new ConnectTimeoutError(connectTimeoutMs)),
      connectTimeoutMs,
    );
    try {
      return await this.#connect(origin, bounded.signal);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    }
  }

  async #connect(origin: Origin, signal: AbortSignal): Promise<Http1Connection> {
    const tcp = await untilAborted(
      Deno.connect({ hostname: origin.hostname, port: origin.port }),
      signal,
    ).catch((error) => {
      throw signal.aborted ? error : connectError(tcpFailureKind(error), error);
    });
    // A request larger than one segment must not wait for the server's delayed ACK (Nagle).
    tcp.setNoDelay(true);
    let conn: Deno.Conn = tcp;
    if (origin.secure) {
      // TLS over the socket set up above, so it keeps TCP_NODELAY.
      const options: Deno.StartTlsOptions = {
        hostname: origin.hostname,
        alpnProtocols: ["http/1.1"],
      };
      if (this.#options.caCerts !== undefined) options.caCerts = this.#options.caCerts;
      let tls: Deno.TlsConn | undefined;
      try {
        tls = await untilAborted(Deno.startTls(tcp, options), signal);
        // startTls resolves before the handshake, which would otherwise happen on the first
        // write, outside the connect limit: do it here, where the limit applies.
        const handshaken = tls;
        conn = await untilAborted(handshaken.handshake().then(() => handshaken), signal);
      } catch (error) {
        try {
          (tls ?? tcp).close();
        } catch {
          // Already taken over (and closed) by the failed handshake.
        }
        throw signal.aborted ? error : connectError("tls", error);
      }
    }
    const connection = new Http1Connection(origin, conn);
    this.#open.add(connection);
    return connection;
  }

  /** A connection whose response was read to its end goes back to the pool for the next request. */
  release(connection: Http1Connection): void {
    if (connection.closed) return this.#drop(connection);
    let list = this.#idle.get(connection.origin.key);
    if (list === undefined) this.#idle.set(connection.origin.key, list = []);
    if (list.length >= this.#options.maxIdlePerOrigin) return this.#drop(connection);
    list.push(connection);
    connection.park(this.#onGone);
  }

  /** A connection that cannot carry another request: closed and forgotten. */
  discard(connection: Http1Connection): void {
    this.#drop(connection);
  }

  /** Closes every connection, idle or busy (gateway shutdown). */
  close(): void {
    for (const connection of this.#open) connection.close();
    this.#open.clear();
    this.#idle.clear();
  }

  get openCount(): number {
    return this.#open.size;
  }

  #drop(connection: Http1Connection): void {
    connection.close();
    this.#open.delete(connection);
    const list = this.#idle.get(connection.origin.key);
    const index = list?.indexOf(connection) ?? -1;
    if (index >= 0) list!.splice(index, 1);
  }
}

/**
 * What a failed TCP connect means. The runtime gives refused and reset connections their own
 * classes; a failed name lookup is a plain `Error` that says so ("failed to lookup address").
 */
function tcpFailureKind(error: unknown): TransportFailureKind {
  if (error instanceof Deno.errors.ConnectionRefused) return "refused";
  if (error instanceof Deno.errors.ConnectionReset) return "reset";
  if (error instanceof Error && /lookup address|name or service|resolve/i.test(error.message)) {
    return "dns";
  }
  return "other";
}

function connectError(kind: TransportFailureKind, cause: unknown): TransportError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new TransportError(kind, "connect", `connect failed: ${detail}`, { cause });
}

/** Resolves like `promise`, or rejects with an AbortError when `signal` fires first. */
function untilAborted<T extends Deno.Conn>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.then((conn) => conn.close(), () => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.then((conn) => conn.close(), () => {});
      reject(abortError(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (conn) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) conn.close();
        else resolve(conn);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The request was aborted.", "AbortError");
}
