/**
 * The listening socket and every client connection on it, with the limits `Deno.serve` has none
 * of: a cap on open connections, a deadline for a request's head and body and for an idle
 * keep-alive connection, and an accept loop that survives errors such as running out of file
 * descriptors (EMFILE). Each accepted connection is served by the runtime's own HTTP engine, the
 * same one `Deno.serve` uses on a listener.
 */
import type { Limits } from "../config/limits.ts";
import { type Deadline, DeadlineQueue } from "../upstream/deadlines.ts";

export interface ClientConnection {
  readonly remoteAddr: Deno.NetAddr;
  /** The request body was read: the body deadline no longer applies. */
  bodyReceived(): void;
}

export type ConnectionHandler = (
  request: Request,
  connection: ClientConnection,
) => Response | Promise<Response>;

export interface ServeOptions {
  hostname: string;
  port: number;
  limits: Pick<Limits, "maxConnections" | "headersMs" | "keepAliveMs" | "bodyMs">;
  handler: ConnectionHandler;
  onListen(addr: Deno.NetAddr): void;
}

export interface GuardedServer {
  readonly finished: Promise<void>;
  /** Stops accepting; open connections finish their requests, then close. */
  shutdown(): Promise<void>;
}

type ServeOnConnection = (
  connection: Deno.Conn,
  signal: AbortSignal,
  handler: (request: Request, info: { completed?: Promise<void> }) => Response | Promise<Response>,
  onError: (error: unknown) => Response,
  onListen: () => void,
) => { finished: Promise<void>; shutdown(): Promise<void> };

/**
 * The runtime's per-connection HTTP server (what `Deno.serve` runs for each connection it
 * accepts). Deno has no public way to limit connections or time out a request head.
 */
function runtimeServeOnConnection(): ServeOnConnection | undefined {
  const deno = Deno as unknown as Record<symbol, Record<string, unknown> | undefined>;
  const internal = deno[(Deno as unknown as { internal: symbol }).internal];
  const serve = internal?.serveHttpOnConnection;
  return typeof serve === "function" ? serve as ServeOnConnection : undefined;
}

const REFUSED_BODY = JSON.stringify({
  error: { message: "Too many open connections; try again later.", type: "overloaded_error" },
});
const REFUSED = new TextEncoder().encode(
  "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nconnection: close\r\n" +
    `retry-after: 1\r\ncontent-length: ${REFUSED_BODY.length}\r\n\r\n${REFUSED_BODY}`,
);

/** How long the accept loop pauses after an error (EMFILE), at most once per pause. */
const ACCEPT_RETRY_MS = 100;

type Phase = "waiting" | "body" | "busy";

class GuardedConnection implements ClientConnection {
  readonly closer = new AbortController();
  inFlight = 0;
  ended = false;
  phase: Phase = "waiting";
  deadline: Deadline | undefined;
  served: { finished: Promise<void>; shutdown(): Promise<void> } | undefined;

  constructor(
    readonly remoteAddr: Deno.NetAddr,
    readonly deadlines: DeadlineQueue,
  ) {}

  wait(phase: Phase, ms: number | undefined): void {
    this.phase = phase;
    this.deadline?.cancel();
    this.deadline = ms === undefined ? undefined : this.deadlines.after(ms, () => this.close());
  }

  bodyReceived(): void {
    if (this.phase === "body") this.wait("busy", undefined);
  }

  /** Closes the socket at once (a deadline passed); does nothing once the connection ended. */
  close(): void {
    this.deadline?.cancel();
    if (this.ended || this.closer.signal.aborted) return;
    try {
      this.closer.abort();
    } catch {
      // The runtime closed it in the meantime.
    }
  }

  end(): void {
    this.deadline?.cancel();
    this.ended = true;
  }
}

// Long function: the accept loop and its guards share the connection counters.
export function serveGuarded(options: ServeOptions): GuardedServer {
  const serveOn = runtimeServeOnConnection();
  if (serveOn === undefined) return serveUnguarded(options);
  const { limits, handler } = options;
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const deadlines = new DeadlineQueue();
  const open = new Set<GuardedConnection>();
  let stopping = false;
  options.onListen(listener.addr);

  const serveConnection = (conn: Deno.TcpConn) => {
    const connection = new GuardedConnection(conn.remoteAddr, deadlines);
    open.add(connection);
    connection.wait("waiting", limits.headersMs);
    const served = serveOn(
      conn,
      connection.closer.signal,
      (request, info) => {
        connection.inFlight++;
        const bodiless = request.method === "GET" || request.method === "HEAD";
        connection.wait(bodiless ? "busy" : "body", bodiless ? undefined : limits.bodyMs);
        const answered = () => {
          if (--connection.inFlight === 0) connection.wait("waiting", limits.keepAliveMs);
        };
        info.completed?.then(answered, answered);
        return handler(request, connection);
      },
      onHandlerError,
      () => {},
    );
    connection.served = served;
    // A client that vanishes mid-answer (broken pipe) ends its connection with an error: that
    // is the client's business, not a failure of the server.
    const ended = () => {
      connection.end();
      open.delete(connection);
    };
    served.finished.then(ended, ended);
  };

  const accepting = (async () => {
    let lastError = 0;
    while (!stopping) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (stopping || error instanceof Deno.errors.BadResource) break;
        if (Date.now() - lastError > 1000) {
          console.error(`plexus: accepting a connection failed (${messageOf(error)}); retrying`);
        }
        lastError = Date.now();
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_MS));
        continue;
      }
      if (open.size >= limits.maxConnections) {
        refuse(conn);
        continue;
      }
      conn.setNoDelay(true);
      serveConnection(conn);
    }
  })();

  let finishing: Promise<void> | undefined;
  const finishAll = async () => {
    await accepting;
    while (open.size > 0) {
      await Promise.all([...open].map((c) => c.served?.finished.catch(() => {})));
    }
  };
  const finished = new Promise<void>((resolve) => {
    accepting.then(() => (finishing ??= finishAll())).then(resolve);
  });
  return {
    finished,
    shutdown: async () => {
      stopping = true;
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      await Promise.all([...open].map((c) => c.served?.shutdown().catch(() => {})));
      await finished;
    },
  };
}

function refuse(conn: Deno.Conn): void {
  conn.write(REFUSED).catch(() => {}).finally(() => {
    try {
      conn.close();
    } catch {
      // The client left first.
    }
  });
}

function onHandlerError(error: unknown): Response {
  console.error("plexus: unhandled error:", messageOf(error));
  return new Response(JSON.stringify({ error: { message: "Internal error in the gateway." } }), {
    status: 500,
    headers: { "content-type": "application/json" },
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Without the runtime's per-connection server: `Deno.serve`, whose limits are its own. */
function serveUnguarded(options: ServeOptions): GuardedServer {
  console.error(
    "warning: this Deno has no per-connection server: connection cap and deadlines are off",
  );
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: (addr) => options.onListen(addr),
  }, (request, info) =>
    options.handler(request, {
      remoteAddr: info.remoteAddr,
      bodyReceived: () => {},
    }));
  return { finished: server.finished, shutdown: () => server.shutdown() };
}
