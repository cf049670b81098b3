/**
 * Http1Client end to end against raw TCP servers written here, so every byte of each response
 * is under the test's control and every byte of each request can be checked.
 */
import assert from "node:assert/strict";
import { Http1Client } from "../../../src/upstream/http1/client.ts";
import { MalformedResponseError } from "../../../src/upstream/http1/head.ts";
import { fetchOver } from "../../support/http1_fetch.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bound on any single wait, so a broken client fails a test instead of hanging the run. */
const WAIT_MS = 3000;

async function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition` holds, checking every few milliseconds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const CRLFCRLF = encoder.encode("\r\n\r\n");

interface ReceivedRequest {
  /** The head as text, through the blank line. */
  head: string;
  body: string;
  /** Head and body exactly as they arrived. */
  raw: string;
}

/** The server side of one accepted TCP connection. */
class ServerConn {
  readonly #conn: Deno.Conn;
  #buffered: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  #pending: Promise<number | null> | undefined;
  #chunk = new Uint8Array(64 * 1024);
  #closed = false;
  /** Complete requests read on this connection so far. */
  requests = 0;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Reads more bytes; false once the client closed its side (or the socket failed). */
  async #readMore(): Promise<boolean> {
    if (this.#closed) return false;
    const read = this.#conn.read(this.#chunk).catch(() => null);
    this.#pending = read;
    const count = await read;
    this.#pending = undefined;
    if (count === null) return false;
    const grown = new Uint8Array(this.#buffered.length + count);
    grown.set(this.#buffered);
    grown.set(this.#chunk.subarray(0, count), this.#buffered.length);
    this.#buffered = grown;
    return true;
  }

  /** Reads one whole request (head, then a content-length body). */
  async readRequest(): Promise<ReceivedRequest> {
    let end: number;
    while ((end = indexOfBytes(this.#buffered, CRLFCRLF)) < 0) {
      if (!(await within(this.#readMore(), "request head"))) {
        throw new Error("client closed before sending a request");
      }
    }
    const head = decoder.decode(this.#buffered.subarray(0, end + 4));
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? "0");
    while (this.#buffered.length < end + 4 + length) {
      if (!(await within(this.#readMore(), "request body"))) {
        throw new Error("client closed in the middle of a request body");
      }
    }
    const raw = this.#buffered.subarray(0, end + 4 + length);
    this.#buffered = this.#buffered.slice(end + 4 + length);
    this.requests++;
    return { head, body: decoder.decode(raw.subarray(end + 4)), raw: decoder.decode(raw) };
  }

  /** Resolves once the client has closed the connection; bytes it sends meanwhile are dropped. */
  async clientClosed(): Promise<void> {
    while (await within(this.#readMore(), "client to close the connection")) {
      this.#buffered = new Uint8Array(0);
    }
  }

  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    let written = 0;
    while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  /** Closes the socket and waits for any read still posted on it. */
  async dispose(): Promise<void> {
    this.close();
    await this.#pending;
  }
}

/** A raw TCP server on 127.0.0.1 that hands each accepted connection to the test. */
class RawServer {
  readonly #listener: Deno.Listener;
  readonly #queue: ServerConn[] = [];
  readonly #waiters: ((conn: ServerConn) => void)[] = [];
  readonly #all: ServerConn[] = [];
  readonly #loop: Promise<void>;
  accepts = 0;

  constructor() {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#loop = this.#accept();
  }

  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  url(pathAndQuery = "/"): string {
    return `http://127.0.0.1:${this.port}${pathAndQuery}`;
  }

  /** The next connection the client opens (already accepted, or the next one to be). */
  /** The next connection, once its request has arrived. */
  async connectionWithRequest(): Promise<ServerConn> {
    const conn = await this.connection();
    await conn.readRequest();
    return conn;
  }

  connection(): Promise<ServerConn> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return within(new Promise((resolve) => this.#waiters.push(resolve)), "a new connection");
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.accepts++;
        const serverConn = new ServerConn(conn);
        this.#all.push(serverConn);
        const waiter = this.#waiters.shift();
        if (waiter !== undefined) waiter(serverConn);
        else this.#queue.push(serverConn);
      }
    } catch {
      // The listener was closed.
    }
  }

  async close(): Promise<void> {
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    await this.#loop;
    await Promise.all(this.#all.map((conn) => conn.dispose()));
  }
}

function newClient(options: Partial<{ maxIdlePerOrigin: number; idleTimeoutMs: number }> = {}) {
  return new Http1Client({
    maxIdlePerOrigin: options.maxIdlePerOrigin ?? 8,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    userAgent: "plexus-test/1.0",
  });
}

/** Runs `body` with a fresh server and client, and always closes both. */
async function withServer(
  body: (server: RawServer, client: Http1Client) => Promise<void>,
  options: Parameters<typeof newClient>[0] = {},
): Promise<void> {
  const server = new RawServer();
  const client = newClient(options);
  try {
    await body(server, client);
  } finally {
    client.close();
    await server.close();
    // Let reads the client had posted on its closed sockets settle.
    await delay(0);
  }
}

function init(
  overrides: Partial<{ method: string; headers: Record<string, string>; body: string }> = {},
  signal: AbortSignal = new AbortController().signal,
) {
  return {
    method: overrides.method ?? "POST",
    headers: overrides.headers ?? {},
    body: overrides.body ?? "",
    signal,
  };
}

const OK_EMPTY = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";

function okText(text: string, extra = ""): string {
  return `HTTP/1.1 200 OK\r\ncontent-length: ${encoder.encode(text).length}\r\n${extra}\r\n${text}`;
}

/** Answers `count` requests on the next connection with `response`. */
async function serveOn(server: RawServer, responses: string[]): Promise<ServerConn> {
  const conn = await server.connection();
  for (const response of responses) {
    await conn.readRequest();
    await conn.write(response);
  }
  return conn;
}

async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await within(promise, what);
  } catch (error) {
    return error;
  }
  assert.fail(`${what}: expected a rejection`);
}

// ---------------------------------------------------------------------------------------------
// What goes on the wire
// ---------------------------------------------------------------------------------------------

Deno.test("the request on the wire is exactly the method, path+query, host:port, caller headers, default user-agent and UTF-8 content-length", async () => {
  await withServer(async (server, client) => {
    const body = '{"prompt":"héllo ✓ 日本"}';
    const responding = (async () => {
      const conn = await server.connection();
      const request = await conn.readRequest();
      await conn.write(OK_EMPTY);
      return request;
    })();
    const response = await within(
      fetchOver(
        client,
        server.url("/v1/chat/completions?api-version=2024-01&q=%C3%A9"),
        init({
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": "secret" },
          body,
        }),
      ),
      "response",
    );
    await response.body?.cancel();
    const request = await responding;
    const bodyBytes = encoder.encode(body).length;
    assert.notEqual(bodyBytes, body.length, "the body must have multi-byte characters");
    assert.equal(
      request.raw,
      "POST /v1/chat/completions?api-version=2024-01&q=%C3%A9 HTTP/1.1\r\n" +
        `host: 127.0.0.1:${server.port}\r\n` +
        "content-type: application/json\r\n" +
        "x-api-key: secret\r\n" +
        "user-agent: plexus-test/1.0\r\n" +
        `content-length: ${bodyBytes}\r\n` +
        "\r\n" +
        body,
    );
  });
});

Deno.test("a URL fragment is not sent and an empty path is sent as /", async () => {
  await withServer(async (server, client) => {
    const responding = (async () => {
      const conn = await server.connection();
      const request = await conn.readRequest();
      await conn.write(OK_EMPTY);
      return request;
    })();
    const url = `http://127.0.0.1:${server.port}?a=1#frag`;
    await within(fetchOver(client, url, init({ method: "GET" })), "response");
    const request = await responding;
    assert.match(request.head, /^GET \/\?a=1 HTTP\/1\.1\r\n/);
    assert.ok(!request.raw.includes("frag"));
  });
});

// A provider's `headers:` in config may spell it "User-Agent"; only one may go out.
for (const name of ["user-agent", "User-Agent"]) {
  Deno.test(`a caller's ${name} header replaces the default one`, async () => {
    await withServer(async (server, client) => {
      const responding = (async () => {
        const conn = await server.connection();
        const request = await conn.readRequest();
        await conn.write(OK_EMPTY);
        return request;
      })();
      await within(
        fetchOver(client, server.url("/"), init({ headers: { [name]: "custom/2" } })),
        "response",
      );
      const request = await responding;
      const agents = request.head.split("\r\n").filter((line) => /^user-agent:/i.test(line));
      assert.deepEqual(agents, [`${name}: custom/2`]);
    });
  });
}

Deno.test("framing headers from the caller are not duplicated on the wire", async () => {
  await withServer(async (server, client) => {
    const responding = (async () => {
      const conn = await server.connection();
      const request = await conn.readRequest();
      await conn.write(OK_EMPTY);
      return request;
    })();
    await within(
      fetchOver(
        client,
        server.url("/x"),
        init({
          body: "abc",
          headers: {
            "Content-Length": "999",
            "Host": "elsewhere.example",
            "Transfer-Encoding": "chunked",
            "Connection": "close",
          },
        }),
      ),
      "response",
    );
    const request = await responding;
    assert.equal(
      request.raw,
      `POST /x HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\nuser-agent: plexus-test/1.0\r\n` +
        "content-length: 3\r\n\r\nabc",
    );
  });
});

Deno.test("a header value with CR or LF is refused before anything is sent", async () => {
  await withServer(async (server, client) => {
    const error = await rejection(
      fetchOver(client, server.url("/"), init({ headers: { "x-a": "1\r\nGET /evil HTTP/1.1" } })),
      "smuggling attempt",
    );
    assert.ok(error instanceof TypeError);
    assert.equal(server.accepts, 0);
    assert.equal(client.openConnections, 0);
  });
});

Deno.test("a URL scheme other than http or https is refused", async () => {
  const client = newClient();
  try {
    const error = await rejection(fetchOver(client, "ftp://127.0.0.1/x", init()), "ftp URL");
    assert.ok(error instanceof TypeError);
    assert.match((error as Error).message, /scheme/);
  } finally {
    client.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

Deno.test("a 200 JSON response with content-length gives status, statusText, headers and text()", async () => {
  await withServer(async (server, client) => {
    const json = '{"id":"cmpl-1","choices":[{"text":"héllo"}]}';
    const serving = serveOn(server, [
      okText(json, "Content-Type: application/json\r\nX-Request-Id: req-42\r\n").replace(
        "200 OK",
        "200 All Good",
      ),
    ]);
    const response = await within(fetchOver(client, server.url("/v1"), init()), "response");
    assert.equal(response.status, 200);
    assert.equal(response.ok, true);
    assert.equal(response.statusText, "All Good");
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(response.headers.get("x-request-id"), "req-42");
    assert.equal(response.headers.get("content-length"), String(encoder.encode(json).length));
    assert.equal(await within(response.text(), "body"), json);
    await serving;
  });
});

Deno.test("an error status and its body come through as a response, not a rejection", async () => {
  await withServer(async (server, client) => {
    const serving = serveOn(server, [
      'HTTP/1.1 429 Too Many Requests\r\nretry-after: 7\r\ncontent-length: 16\r\n\r\n{"error":"slow"}',
    ]);
    const response = await within(fetchOver(client, server.url("/"), init()), "response");
    assert.equal(response.status, 429);
    assert.equal(response.statusText, "Too Many Requests");
    assert.equal(response.headers.get("retry-after"), "7");
    assert.deepEqual(await response.json(), { error: "slow" });
    await serving;
  });
});

Deno.test("a response head that arrives one byte per write is still read", async () => {
  await withServer(async (server, client) => {
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      for (const byte of encoder.encode(okText("split", "x-a: b\r\n"))) {
        await conn.write(Uint8Array.of(byte));
      }
    })();
    const response = await within(fetchOver(client, server.url("/"), init()), "response");
    assert.equal(response.headers.get("x-a"), "b");
    assert.equal(await within(response.text(), "body"), "split");
    await serving;
  });
});

Deno.test("a body much larger than the read buffer arrives intact", async () => {
  await withServer(async (server, client) => {
    const big = new Uint8Array(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 8)) & 0xff;
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      await conn.write(`HTTP/1.1 200 OK\r\ncontent-length: ${big.length}\r\n\r\n`);
      for (let at = 0; at < big.length; at += 50_000) {
        await conn.write(big.subarray(at, at + 50_000));
      }
    })();
    const response = await within(fetchOver(client, server.url("/"), init()), "response");
    const received = new Uint8Array(await within(response.arrayBuffer(), "body"));
    assert.equal(received.length, big.length);
    assert.deepEqual(received, big);
    await serving;
  });
});

Deno.test("a response head larger than the read buffer (but under 64 KiB) is read", async () => {
  await withServer(async (server, client) => {
    const longValue = "v".repeat(40_000);
    const serving = serveOn(server, [okText("ok", `x-long: ${longValue}\r\n`)]);
    const response = await within(fetchOver(client, server.url("/"), init()), "response");
    assert.equal(response.headers.get("x-long"), longValue);
    assert.equal(await response.text(), "ok");
    await serving;
  });
});

Deno.test("a chunked SSE stream reaches the reader chunk by chunk, before the server sends the rest", async () => {
  await withServer(async (server, client) => {
    let firstSeen!: () => void;
    const firstRead = new Promise<void>((resolve) => firstSeen = resolve);
    const events = [
      'data: {"delta":"Hel"}\n\n',
      'data: {"delta":"lo"}\n\n',
      "data: [DONE]\n\n",
    ];
    const chunk = (text: string) => `${encoder.encode(text).length.toString(16)}\r\n${text}\r\n`;
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      await conn.write(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
      );
      await conn.write(chunk(events[0]));
      // The rest is only sent once the reader has the first event: a buffering client hangs here.
      await within(firstRead, "the reader to get the first event");
      await delay(10);
      await conn.write(chunk(events[1]));
      await delay(10);
      await conn.write(chunk(events[2]));
      await delay(10);
      await conn.write("0\r\n\r\n");
    })();
    const response = await within(fetchOver(client, server.url("/stream"), init()), "response");
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const reader = response.body!.getReader();
    const first = await within(reader.read(), "first chunk");
    assert.equal(first.done, false);
    assert.equal(decoder.decode(first.value), events[0]);
    firstSeen();
    let rest = "";
    while (true) {
      const { done, value } = await within(reader.read(), "next chunk");
      if (done) break;
      rest += decoder.decode(value, { stream: true });
    }
    assert.equal(rest, events[1] + events[2]);
    await serving;
    // The stream ended cleanly on its last chunk: the connection is back in the pool.
    assert.equal(client.openConnections, 1);
  });
});

Deno.test("a close-delimited body is read until the server closes, and the connection is not kept", async () => {
  await withServer(async (server, client) => {
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      await conn.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\npart one, ");
      await delay(5);
      await conn.write("part two");
      conn.close();
    })();
    const response = await within(fetchOver(client, server.url("/"), init()), "response");
    assert.equal(await within(response.text(), "body"), "part one, part two");
    await serving;
    assert.equal(client.openConnections, 0);
  });
});

for (
  const [framing, head] of [
    ["chunked", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel"],
    ["content-length", "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this"],
  ]
) {
  Deno.test(`a ${framing} body cut short by the server closing makes the body read fail`, async () => {
    await withServer(async (server, client) => {
      const serving = (async () => {
        const conn = await server.connectionWithRequest();
        await conn.write(head);
        conn.close();
      })();
      const response = await within(fetchOver(client, server.url("/"), init()), "response");
      const error = await rejection(response.text(), "truncated body");
      assert.ok(error instanceof MalformedResponseError, String(error));
      await serving;
      assert.equal(client.openConnections, 0);
    });
  });
}

Deno.test("a 204 response has a null body and its connection is reused", async () => {
  await withServer(async (server, client) => {
    const serving = serveOn(server, ["HTTP/1.1 204 No Content\r\n\r\n", OK_EMPTY]);
    const first = await within(fetchOver(client, server.url("/"), init()), "204");
    assert.equal(first.status, 204);
    assert.equal(first.body, null);
    const second = await within(fetchOver(client, server.url("/"), init()), "200");
    assert.equal(second.status, 200);
    assert.equal(await second.text(), "");
    await serving;
    assert.equal(server.accepts, 1);
  });
});

Deno.test("100 Continue before the 200 is skipped", async () => {
  await withServer(async (server, client) => {
    const serving = serveOn(server, [
      "HTTP/1.1 100 Continue\r\n\r\n" + okText("after continue", "x-final: yes\r\n"),
    ]);
    const response = await within(fetchOver(client, server.url("/"), init()), "response");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-final"), "yes");
    assert.equal(await response.text(), "after continue");
    await serving;
  });
});

Deno.test("interim responses in separate writes (100, then 103 with headers) are skipped", async () => {
  await withServer(async (server, client) => {
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      await conn.write("HTTP/1.1 100 Continue\r\n\r\n");
      await delay(5);
      await conn.write("HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n");
      await delay(5);
      await conn.write(okText("final"));
    })();
    const response = await within(fetchOver(client, server.url("/"), init()), "response");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("link"), null);
    assert.equal(await response.text(), "final");
    await serving;
  });
});

const MALFORMED_ANSWERS: Array<{ what: string; answer: string; message: RegExp }> = [
  {
    what: "a response head over 64 KiB",
    answer: `HTTP/1.1 200 OK\r\nx-huge: ${"h".repeat(70_000)}`,
    message: /too large/,
  },
  {
    what: "a malformed status line",
    answer: "HTTP/9 OK maybe\r\ncontent-length: 0\r\n\r\n",
    message: /status line/,
  },
  {
    what: "a non-HTTP answer (no status line at all)",
    answer: "SSH-2.0-OpenSSH_9.6\r\n\r\n",
    message: /malformed upstream response/,
  },
];

Deno.test("a malformed answer rejects with MalformedResponseError and drops the connection", async (t) => {
  for (const { what, answer, message } of MALFORMED_ANSWERS) {
    await t.step(what, () =>
      withServer(async (server, client) => {
        const serving = (async () => {
          const conn = await server.connectionWithRequest();
          await conn.write(answer);
          await conn.clientClosed();
        })();
        const error = await rejection(fetchOver(client, server.url("/"), init()), what);
        assert.ok(error instanceof MalformedResponseError, String(error));
        assert.match((error as Error).message, message);
        await serving;
        assert.equal(client.openConnections, 0);
      }));
  }
});

Deno.test({
  name:
    "a response the client cannot turn into a Response (status 600 with a body) closes its connection",
  // Status > 599, or a header name `Headers` refuses ("bad name: x"): the call rejects and the
  // connection is closed, not left open until client.close().
  fn: async () => {
    await withServer(async (server, client) => {
      const conn = (async () => {
        const conn = await server.connectionWithRequest();
        await conn.write("HTTP/1.1 600 Weird\r\ncontent-length: 2\r\n\r\nhi");
        return conn;
      })();
      const error = await rejection(fetchOver(client, server.url("/"), init()), "status 600");
      assert.ok(error instanceof MalformedResponseError, String(error));
      assert.equal(client.openConnections, 0);
      await (await conn).clientClosed();
    });
  },
});

// ---------------------------------------------------------------------------------------------
// Keep-alive and the pool
// ---------------------------------------------------------------------------------------------

Deno.test("two sequential requests use one TCP connection", async () => {
  await withServer(async (server, client) => {
    const serving = serveOn(server, [okText("one"), okText("two")]);
    const first = await within(fetchOver(client, server.url("/a"), init()), "first");
    assert.equal(await first.text(), "one");
    assert.equal(client.openConnections, 1);
    const second = await within(fetchOver(client, server.url("/b"), init()), "second");
    assert.equal(await second.text(), "two");
    const conn = await serving;
    assert.equal(conn.requests, 2);
    assert.equal(server.accepts, 1);
    assert.equal(client.openConnections, 1);
  });
});

Deno.test("a chunked response read to its end leaves the connection reusable", async () => {
  await withServer(async (server, client) => {
    const serving = serveOn(server, [
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\none\r\n0\r\nx-t: 1\r\n\r\n",
      okText("two"),
    ]);
    assert.equal(
      await (await within(fetchOver(client, server.url("/"), init()), "1")).text(),
      "one",
    );
    assert.equal(
      await (await within(fetchOver(client, server.url("/"), init()), "2")).text(),
      "two",
    );
    await serving;
    assert.equal(server.accepts, 1);
  });
});

Deno.test("after a connection: close response, the next request opens a new connection", async () => {
  await withServer(async (server, client) => {
    const firstConn = (async () => {
      const conn = await serveOn(server, [okText("one", "connection: close\r\n")]);
      await conn.clientClosed();
      return conn;
    })();
    const first = await within(fetchOver(client, server.url("/"), init()), "first");
    assert.equal(await first.text(), "one");
    // The client closes its side as soon as the body is read.
    await firstConn;
    assert.equal(client.openConnections, 0);
    const secondConn = serveOn(server, [okText("two")]);
    const second = await within(fetchOver(client, server.url("/"), init()), "second");
    assert.equal(await second.text(), "two");
    await secondConn;
    assert.equal(server.accepts, 2);
  });
});

const NOT_REUSABLE: Array<{ what: string; firstAnswer: string }> = [
  {
    what: "an HTTP/1.0 response without keep-alive",
    firstAnswer: "HTTP/1.0 200 OK\r\ncontent-length: 3\r\n\r\none",
  },
  {
    what: "a server Keep-Alive timeout of 1 s (no margin left)",
    firstAnswer: okText("one", "keep-alive: timeout=1\r\n"),
  },
];

Deno.test("a connection the server will not keep is not reused for the next request", async (t) => {
  for (const { what, firstAnswer } of NOT_REUSABLE) {
    await t.step(what, () =>
      withServer(async (server, client) => {
        const first = serveOn(server, [firstAnswer]);
        assert.equal(
          await (await within(fetchOver(client, server.url("/"), init()), "1")).text(),
          "one",
        );
        await first;
        const second = serveOn(server, [okText("two")]);
        assert.equal(
          await (await within(fetchOver(client, server.url("/"), init()), "2")).text(),
          "two",
        );
        await second;
        assert.equal(server.accepts, 2);
      }));
  }
});

Deno.test("an idle connection older than idleTimeoutMs is closed instead of reused", async () => {
  await withServer(async (server, client) => {
    const first = (async () => {
      const conn = await serveOn(server, [okText("one")]);
      await conn.clientClosed();
    })();
    assert.equal(
      await (await within(fetchOver(client, server.url("/"), init()), "1")).text(),
      "one",
    );
    await delay(30);
    const second = serveOn(server, [okText("two")]);
    assert.equal(
      await (await within(fetchOver(client, server.url("/"), init()), "2")).text(),
      "two",
    );
    await second;
    // The stale idle connection was closed by the client when it was passed over.
    await first;
    assert.equal(server.accepts, 2);
    assert.equal(client.openConnections, 1);
  }, { idleTimeoutMs: 20 });
});

Deno.test("beyond maxIdlePerOrigin, released connections are closed", async () => {
  await withServer(async (server, client) => {
    const release: (() => void)[] = [];
    const serve = async () => {
      const conn = await server.connectionWithRequest();
      await new Promise<void>((resolve) => release.push(resolve));
      await conn.write(okText("x"));
      return conn;
    };
    const servers = [serve(), serve()];
    const responses = [
      fetchOver(client, server.url("/"), init()),
      fetchOver(client, server.url("/"), init()),
    ];
    await until(() => release.length === 2, "both requests to arrive");
    assert.equal(client.openConnections, 2);
    for (const go of release) go();
    for (const response of responses) assert.equal(await (await within(response, "r")).text(), "x");
    const conns = await Promise.all(servers);
    // One of the two goes back to the pool; the other is closed.
    await within(Promise.any(conns.map((conn) => conn.clientClosed())), "one connection closed");
    assert.equal(client.openConnections, 1);
  }, { maxIdlePerOrigin: 1 });
});

Deno.test("after the server closes an idle keep-alive connection, the next request succeeds on a new one", async (t) => {
  const cases = [
    // The read posted on the idle connection sees the close and drops it from the pool.
    { when: "once the pool has noticed the close", waitForDrop: true },
    // Sent before the close is noticed: the stale connection fails and one fresh try follows.
    { when: "right after the close", waitForDrop: false },
  ];
  for (const { when, waitForDrop } of cases) {
    await t.step(when, () =>
      withServer(async (server, client) => {
        const first = serveOn(server, [okText("one")]);
        assert.equal(
          await (await within(fetchOver(client, server.url("/"), init()), "1")).text(),
          "one",
        );
        (await first).close();
        if (waitForDrop) {
          await until(
            () => client.openConnections === 0,
            "the client to drop the closed connection",
          );
        }
        const second = serveOn(server, [okText("two")]);
        const response = await within(fetchOver(client, server.url("/"), init()), "2");
        assert.equal(await response.text(), "two");
        await second;
        assert.equal(server.accepts, 2);
      }));
  }
});

Deno.test("a reused connection closed after the request but before any answer is retried once on a fresh connection", async () => {
  await withServer(async (server, client) => {
    const body = '{"n":1}';
    const firstConn = (async () => {
      const conn = await serveOn(server, [okText("one")]);
      // Take the second request, then hang up without a word.
      const request = await conn.readRequest();
      conn.close();
      return request;
    })();
    const freshConn = (async () => {
      const conn = await server.connection();
      const request = await conn.readRequest();
      await conn.write(okText("retried"));
      return request;
    })();
    assert.equal(
      await (await within(fetchOver(client, server.url("/"), init()), "1")).text(),
      "one",
    );
    const response = await within(
      fetchOver(client, server.url("/again"), init({ body })),
      "retried request",
    );
    assert.equal(await response.text(), "retried");
    const [lost, retried] = await Promise.all([firstConn, freshConn]);
    assert.equal(retried.raw, lost.raw, "the retry sends the same request");
    assert.equal(retried.body, body);
    assert.equal(server.accepts, 2);
  });
});

Deno.test("a fresh connection closed before any answer rejects, without a retry", async () => {
  await withServer(async (server, client) => {
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      conn.close();
    })();
    const error = await rejection(fetchOver(client, server.url("/"), init()), "closed connection");
    assert.match((error as Error).message, /connection closed before message completed/);
    await serving;
    assert.equal(client.openConnections, 0);
    // A retry would have connected before the rejection: give the accept loop a moment to see it.
    await delay(20);
    assert.equal(server.accepts, 1);
  });
});

Deno.test("a server that closes a fresh connection after part of the head rejects the same way", async () => {
  await withServer(async (server, client) => {
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      await conn.write("HTTP/1.1 200 OK\r\ncontent-le");
      conn.close();
    })();
    const error = await rejection(fetchOver(client, server.url("/"), init()), "half a head");
    assert.match((error as Error).message, /connection closed before message completed/);
    await serving;
  });
});

Deno.test("connection refused rejects with an error that says refused", async () => {
  // A port that was free a moment ago and that nobody listens on now.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const client = newClient();
  try {
    const error = await rejection(
      fetchOver(client, `http://127.0.0.1:${port}/`, init()),
      "refused",
    );
    assert.match((error as Error).message, /refused/i);
    assert.equal(client.openConnections, 0);
  } finally {
    client.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Abort
// ---------------------------------------------------------------------------------------------

Deno.test("an already aborted signal rejects with AbortError without connecting", async () => {
  await withServer(async (server, client) => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(
      fetchOver(client, server.url("/"), init({}, controller.signal)),
      "aborted",
    );
    assert.equal((error as Error).name, "AbortError");
    await delay(20);
    assert.equal(server.accepts, 0);
    assert.equal(client.openConnections, 0);
  });
});

Deno.test("abort before the response head rejects and closes the socket", async (t) => {
  const reason = new Error("client went away");
  for (
    const { when, abortWith } of [
      { when: "without a reason: AbortError", abortWith: undefined },
      { when: "with a reason: that reason", abortWith: reason },
    ]
  ) {
    await t.step(when, () =>
      withServer(async (server, client) => {
        const controller = new AbortController();
        const requestSeen = server.connectionWithRequest();
        const pending = fetchOver(client, server.url("/slow"), init({}, controller.signal));
        const conn = await requestSeen;
        controller.abort(abortWith);
        const error = await rejection(pending, "aborted fetch");
        if (abortWith === undefined) assert.equal((error as Error).name, "AbortError");
        else assert.equal(error, abortWith);
        await conn.clientClosed();
        assert.equal(client.openConnections, 0);
      }));
  }
});

Deno.test("abort on a reused connection before the answer rejects with AbortError, without a retry", async () => {
  await withServer(async (server, client) => {
    const controller = new AbortController();
    const serving = (async () => {
      const conn = await serveOn(server, [okText("one")]);
      await conn.readRequest();
      return conn;
    })();
    assert.equal(
      await (await within(fetchOver(client, server.url("/"), init()), "1")).text(),
      "one",
    );
    const pending = fetchOver(client, server.url("/"), init({}, controller.signal));
    const conn = await serving;
    controller.abort();
    const error = await rejection(pending, "aborted fetch");
    assert.equal((error as Error).name, "AbortError");
    await conn.clientClosed();
    await delay(20);
    assert.equal(server.accepts, 1);
    assert.equal(client.openConnections, 0);
  });
});

Deno.test("abort in the middle of a streamed body makes the body read reject with AbortError and closes the socket", async () => {
  await withServer(async (server, client) => {
    const controller = new AbortController();
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      await conn.write(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + "d\r\ndata: first\n\n\r\n",
      );
      return conn;
    })();
    const response = await within(
      fetchOver(client, server.url("/"), init({}, controller.signal)),
      "response",
    );
    const reader = response.body!.getReader();
    const first = await within(reader.read(), "first chunk");
    assert.equal(decoder.decode(first.value), "data: first\n\n");
    const waiting = reader.read();
    controller.abort();
    const error = await rejection(waiting, "body read after abort");
    assert.equal((error as Error).name, "AbortError");
    await (await serving).clientClosed();
    assert.equal(client.openConnections, 0);
  });
});

Deno.test("abort between body reads makes the next read reject with AbortError", async () => {
  await withServer(async (server, client) => {
    const controller = new AbortController();
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      await conn.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nfirst part");
      return conn;
    })();
    const response = await within(
      fetchOver(client, server.url("/"), init({}, controller.signal)),
      "response",
    );
    const reader = response.body!.getReader();
    assert.equal(decoder.decode((await within(reader.read(), "first")).value), "first part");
    controller.abort();
    const error = await rejection(reader.read(), "read after abort");
    assert.equal((error as Error).name, "AbortError");
    await (await serving).clientClosed();
    assert.equal(client.openConnections, 0);
  });
});

Deno.test("cancelling the body closes the connection instead of pooling it", async () => {
  await withServer(async (server, client) => {
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      await conn.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nsome");
      return conn;
    })();
    const response = await within(fetchOver(client, server.url("/"), init()), "response");
    await response.body!.cancel();
    await (await serving).clientClosed();
    assert.equal(client.openConnections, 0);
  });
});

// ---------------------------------------------------------------------------------------------
// close()
// ---------------------------------------------------------------------------------------------

Deno.test("close() closes idle pooled connections: the server sees EOF and openConnections is 0", async () => {
  await withServer(async (server, client) => {
    const serving = serveOn(server, [okText("one"), okText("two")]);
    assert.equal(
      await (await within(fetchOver(client, server.url("/"), init()), "1")).text(),
      "one",
    );
    assert.equal(
      await (await within(fetchOver(client, server.url("/"), init()), "2")).text(),
      "two",
    );
    const conn = await serving;
    assert.equal(client.openConnections, 1);
    client.close();
    assert.equal(client.openConnections, 0);
    await conn.clientClosed();
  });
});

Deno.test("close() fails a body still being read", async () => {
  await withServer(async (server, client) => {
    const serving = (async () => {
      const conn = await server.connectionWithRequest();
      await conn.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nstart");
      return conn;
    })();
    const response = await within(fetchOver(client, server.url("/"), init()), "response");
    const reader = response.body!.getReader();
    assert.equal(decoder.decode((await within(reader.read(), "first")).value), "start");
    const waiting = reader.read();
    client.close();
    assert.equal(client.openConnections, 0);
    await rejection(waiting, "read after close()");
    await (await serving).clientClosed();
  });
});
