/** What the gateway needs from an HTTP exchange with a provider, whichever client carries it. */

export interface UpstreamInit {
  method: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /**
   * Bounds setting up a new connection (TCP, and TLS for https), apart from the wait for the
   * answer. Clients that cannot see the connect phase (`fetch`) ignore it.
   */
  connectTimeoutMs?: number;
}

/**
 * Why an exchange failed below HTTP, as the transport that saw it says: callers decide on the
 * kind, never on message text.
 */
export type TransportFailureKind =
  | "connect_timeout"
  | "refused"
  | "dns"
  | "tls"
  | "reset"
  | "malformed"
  | "other";

/** Setting up the connection; sending the request and reading the head; reading the body. */
export type TransportPhase = "connect" | "exchange" | "body";

/** What every transport throws for a failed exchange (aborts are thrown as the signal's reason). */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    readonly phase: TransportPhase,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "TransportError";
  }
}

/** A new connection (TCP and TLS) was not set up within `connect_ms`. */
export class ConnectTimeoutError extends TransportError {
  constructor(readonly ms: number) {
    super("connect_timeout", "connect", `connect timed out after ${ms} ms`);
    this.name = "ConnectTimeoutError";
  }
}

/** Case-insensitive header lookup, iterable as lower-case name and value; `Headers` is one. */
export interface HeaderReader extends Iterable<[string, string]> {
  get(name: string): string | null;
}

/** A response whose head arrived; its body is read in order, by one reader. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: HeaderReader;
  /** The next piece of the body as it arrived, or undefined at its end. */
  read(): Promise<Uint8Array | undefined>;
  /** The rest of the body as text. */
  text(): Promise<string>;
  /** Stops reading and drops the connection. */
  cancel(): void;
}

export type SendUpstream = (url: string, init: UpstreamInit) => Promise<UpstreamResponse>;
