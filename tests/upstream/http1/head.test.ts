import assert from "node:assert/strict";
import {
  headEnd,
  MalformedResponseError,
  parseResponseHead,
  requestHead,
} from "../../../src/upstream/http1/head.ts";

const encoder = new TextEncoder();

/** A response head as the parser receives it: CRLF-joined lines, no final blank line. */
function head(...lines: string[]): string {
  return lines.join("\r\n");
}

// ---------------------------------------------------------------------------------------------
// requestHead
// ---------------------------------------------------------------------------------------------

Deno.test("requestHead writes the request line, host, caller headers, content-length and the blank line", () => {
  const text = requestHead(
    "POST",
    "/v1/chat/completions?x=1",
    "api.example.com:8443",
    [["content-type", "application/json"], ["authorization", "Bearer k"]],
    42,
  );
  assert.equal(
    text,
    "POST /v1/chat/completions?x=1 HTTP/1.1\r\n" +
      "host: api.example.com:8443\r\n" +
      "content-type: application/json\r\n" +
      "authorization: Bearer k\r\n" +
      "content-length: 42\r\n" +
      "\r\n",
  );
});

Deno.test("requestHead sends content-length: 0 for an empty body", () => {
  const text = requestHead("GET", "/", "h", [], 0);
  assert.equal(text, "GET / HTTP/1.1\r\nhost: h\r\ncontent-length: 0\r\n\r\n");
});

Deno.test("requestHead drops the caller's framing headers, whatever their case, so none is duplicated", () => {
  const text = requestHead(
    "POST",
    "/p",
    "real.example",
    [
      ["Content-Length", "999"],
      ["content-length", "1"],
      ["Host", "evil.example"],
      ["Transfer-Encoding", "chunked"],
      ["CONNECTION", "close"],
      ["x-kept", "yes"],
    ],
    5,
  );
  assert.equal(
    text,
    "POST /p HTTP/1.1\r\nhost: real.example\r\nx-kept: yes\r\ncontent-length: 5\r\n\r\n",
  );
  const lower = text.toLowerCase();
  assert.equal(lower.split("content-length:").length - 1, 1);
  assert.equal(lower.split("host:").length - 1, 1);
  assert.ok(!lower.includes("transfer-encoding"));
  assert.ok(!lower.includes("connection"));
});

Deno.test("requestHead keeps header names and values as given, in order", () => {
  const text = requestHead("POST", "/", "h", [["X-Api-Key", "Abc"], ["anthropic-version", "1"]], 0);
  assert.ok(text.includes("\r\nX-Api-Key: Abc\r\nanthropic-version: 1\r\n"));
});

Deno.test("requestHead throws on CR, LF or NUL in a header name or value (no request smuggling)", () => {
  const bad: [string, string][] = [
    ["x-a", "v\r\nGET /smuggled HTTP/1.1"],
    ["x-a", "v\rx"],
    ["x-a", "v\nx"],
    ["x-a", "v\0x"],
    ["x-a\r\nx-b", "v"],
    ["x-a\n", "v"],
    ["x\0a", "v"],
  ];
  for (const header of bad) {
    assert.throws(
      () => requestHead("POST", "/", "h", [header], 0),
      TypeError,
      JSON.stringify(header),
    );
  }
});

Deno.test("requestHead checks forbidden characters even in framing headers it would drop", () => {
  assert.throws(() => requestHead("POST", "/", "h", [["host", "a\r\nb"]], 0), TypeError);
});

// ---------------------------------------------------------------------------------------------
// headEnd
// ---------------------------------------------------------------------------------------------

Deno.test("headEnd returns the index just past the CRLFCRLF ending a head", () => {
  const bytes = encoder.encode("HTTP/1.1 200 OK\r\na: b\r\n\r\nbody");
  const end = headEnd(bytes, 0, bytes.length);
  assert.equal(end, bytes.length - 4);
  assert.equal(new TextDecoder().decode(bytes.subarray(end)), "body");
});

Deno.test("headEnd returns -1 until the whole blank line has arrived", () => {
  const bytes = encoder.encode("HTTP/1.1 200 OK\r\na: b\r\n\r\n");
  for (let end = 0; end < bytes.length; end++) assert.equal(headEnd(bytes, 0, end), -1, `${end}`);
  assert.equal(headEnd(bytes, 0, bytes.length), bytes.length);
});

Deno.test("headEnd only looks inside [start, end)", () => {
  const bytes = encoder.encode("\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
  assert.equal(headEnd(bytes, 0, bytes.length), 4);
  const second = headEnd(bytes, 4, bytes.length);
  assert.equal(second, 4 + "HTTP/1.1 204 No Content\r\n\r\n".length);
  assert.equal(headEnd(bytes, second, bytes.length), bytes.length);
  assert.equal(headEnd(bytes, second, bytes.length - 1), -1);
});

Deno.test("headEnd does not accept bare LF LF as the end of a head", () => {
  const bytes = encoder.encode("HTTP/1.1 200 OK\na: b\n\n");
  assert.equal(headEnd(bytes, 0, bytes.length), -1);
});

// ---------------------------------------------------------------------------------------------
// parseResponseHead: status line and headers
// ---------------------------------------------------------------------------------------------

Deno.test("parseResponseHead reads status, status text and lower-cased headers in arrival order", () => {
  const parsed = parseResponseHead(
    head(
      "HTTP/1.1 201 Created Just Now",
      "Content-Type: application/json",
      "X-Request-ID:  abc  ",
      "content-length: 2",
      "X-Dup: 1",
      "x-dup: 2",
    ),
  );
  assert.equal(parsed.status, 201);
  assert.equal(parsed.statusText, "Created Just Now");
  assert.deepEqual(parsed.headers, [
    ["content-type", "application/json"],
    ["x-request-id", "abc"],
    ["content-length", "2"],
    ["x-dup", "1"],
    ["x-dup", "2"],
  ]);
});

Deno.test("parseResponseHead accepts a status line without a reason phrase", () => {
  assert.equal(parseResponseHead("HTTP/1.1 200").statusText, "");
  assert.equal(parseResponseHead("HTTP/1.1 200 ").statusText, "");
  assert.equal(parseResponseHead("HTTP/1.1 200").status, 200);
});

Deno.test("parseResponseHead keeps a header value that contains colons", () => {
  const parsed = parseResponseHead(
    head("HTTP/1.1 200 OK", "Location: http://a:1/b", "content-length: 0"),
  );
  assert.deepEqual(parsed.headers[0], ["location", "http://a:1/b"]);
});

Deno.test("parseResponseHead rejects status lines that are not HTTP/1.x", () => {
  for (
    const line of [
      "HTTP/2 200 OK",
      "HTTP/2.0 200 OK",
      "HTTP/1.1 20 OK",
      "HTTP/1.1 2000 OK",
      "HTTP/1.1 abc OK",
      "http/1.1 200 OK",
      "HTTP/1.1200 OK",
      "ICY 200 OK",
      "SSH-2.0-OpenSSH_9.6",
      "",
      "garbage",
    ]
  ) {
    assert.throws(
      () => parseResponseHead(head(line, "content-length: 0")),
      MalformedResponseError,
      line,
    );
  }
});

Deno.test("parseResponseHead rejects header lines without a name or colon, and obsolete line folding", () => {
  for (
    const line of [
      "no colon here",
      ": empty name",
      " folded: continuation",
      "\tfolded: continuation",
    ]
  ) {
    assert.throws(
      () => parseResponseHead(head("HTTP/1.1 200 OK", "content-length: 0", line)),
      MalformedResponseError,
      JSON.stringify(line),
    );
  }
});

Deno.test("MalformedResponseError has its own name and says the upstream response is malformed", () => {
  try {
    parseResponseHead("nope");
    assert.fail("expected a throw");
  } catch (error) {
    assert.ok(error instanceof MalformedResponseError);
    assert.equal(error.name, "MalformedResponseError");
    assert.match(error.message, /^malformed upstream response: /);
  }
});

// ---------------------------------------------------------------------------------------------
// parseResponseHead: framing (RFC 9112 §6.3)
// ---------------------------------------------------------------------------------------------

Deno.test("1xx, 204 and 304 responses have no body, whatever their length headers say", () => {
  for (const status of [100, 101, 103, 204, 304]) {
    for (const extra of [[], ["content-length: 50"], ["transfer-encoding: chunked"]]) {
      const parsed = parseResponseHead(head(`HTTP/1.1 ${status} X`, ...extra));
      assert.deepEqual(parsed.framing, { kind: "length", length: 0 }, `${status} ${extra}`);
    }
  }
});

Deno.test("a 204 or 304 on HTTP/1.1 keeps the connection alive even without a length", () => {
  assert.equal(parseResponseHead("HTTP/1.1 204 No Content").keepAlive, true);
  assert.equal(parseResponseHead("HTTP/1.1 304 Not Modified").keepAlive, true);
});

Deno.test("content-length gives a length-delimited body", () => {
  assert.deepEqual(
    parseResponseHead(head("HTTP/1.1 200 OK", "Content-Length: 1234")).framing,
    { kind: "length", length: 1234 },
  );
  assert.deepEqual(
    parseResponseHead(head("HTTP/1.1 200 OK", "content-length: 0")).framing,
    { kind: "length", length: 0 },
  );
});

Deno.test("repeated identical content-length headers are accepted", () => {
  assert.deepEqual(
    parseResponseHead(head("HTTP/1.1 200 OK", "content-length: 7", "Content-Length: 7")).framing,
    { kind: "length", length: 7 },
  );
});

Deno.test("conflicting content-length headers are an error", () => {
  assert.throws(
    () => parseResponseHead(head("HTTP/1.1 200 OK", "content-length: 7", "content-length: 8")),
    MalformedResponseError,
  );
});

Deno.test("a content-length that is not a plain decimal number is an error", () => {
  for (const value of ["-1", "1.5", "0x10", "abc", "", "1 2", "+5", "1234567890123456"]) {
    assert.throws(
      () => parseResponseHead(head("HTTP/1.1 200 OK", `content-length: ${value}`)),
      MalformedResponseError,
      JSON.stringify(value),
    );
  }
});

Deno.test("chunked as the last transfer coding gives a chunked body, and wins over content-length", () => {
  for (
    const te of [
      ["transfer-encoding: chunked"],
      ["Transfer-Encoding: Chunked"],
      ["transfer-encoding: gzip, chunked"],
      ["transfer-encoding: gzip", "transfer-encoding: chunked"],
      ["transfer-encoding: chunked", "content-length: 10"],
      ["content-length: 10", "transfer-encoding: chunked"],
    ]
  ) {
    assert.deepEqual(
      parseResponseHead(head("HTTP/1.1 200 OK", ...te)).framing,
      { kind: "chunked" },
      te.join(" | "),
    );
  }
});

Deno.test("a transfer coding other than chunked last makes the body run until the server closes", () => {
  for (
    const te of [
      ["transfer-encoding: gzip"],
      ["transfer-encoding: chunked, gzip"],
      ["transfer-encoding: chunked", "transfer-encoding: gzip"],
      ["transfer-encoding: gzip", "content-length: 10"],
    ]
  ) {
    const parsed = parseResponseHead(head("HTTP/1.1 200 OK", ...te));
    assert.deepEqual(parsed.framing, { kind: "close" }, te.join(" | "));
    assert.equal(parsed.keepAlive, false, te.join(" | "));
  }
});

Deno.test("no length and no transfer-encoding means a close-delimited body and no keep-alive", () => {
  const parsed = parseResponseHead(head("HTTP/1.1 200 OK", "content-type: text/plain"));
  assert.deepEqual(parsed.framing, { kind: "close" });
  assert.equal(parsed.keepAlive, false);
});

// ---------------------------------------------------------------------------------------------
// parseResponseHead: keep-alive
// ---------------------------------------------------------------------------------------------

Deno.test("HTTP/1.1 keeps the connection alive by default", () => {
  assert.equal(parseResponseHead(head("HTTP/1.1 200 OK", "content-length: 1")).keepAlive, true);
  assert.equal(
    parseResponseHead(head("HTTP/1.1 200 OK", "transfer-encoding: chunked")).keepAlive,
    true,
  );
});

Deno.test("connection: close on HTTP/1.1 ends keep-alive, in any case and among other options", () => {
  for (
    const value of ["close", "Close", "CLOSE", "keep-alive, close", "close, te", "upgrade,close"]
  ) {
    assert.equal(
      parseResponseHead(head("HTTP/1.1 200 OK", "content-length: 1", `Connection: ${value}`))
        .keepAlive,
      false,
      value,
    );
  }
  assert.equal(
    parseResponseHead(
      head("HTTP/1.1 200 OK", "content-length: 1", "connection: te", "connection: close"),
    ).keepAlive,
    false,
  );
});

Deno.test("a connection option that merely contains the word close does not end keep-alive", () => {
  for (const value of ["closed", "x-close", "keep-alive", "enclose, te"]) {
    assert.equal(
      parseResponseHead(head("HTTP/1.1 200 OK", "content-length: 1", `connection: ${value}`))
        .keepAlive,
      true,
      value,
    );
  }
});

Deno.test("HTTP/1.0 closes by default and keeps alive only with connection: keep-alive", () => {
  assert.equal(parseResponseHead(head("HTTP/1.0 200 OK", "content-length: 1")).keepAlive, false);
  assert.equal(
    parseResponseHead(head("HTTP/1.0 200 OK", "content-length: 1", "Connection: Keep-Alive"))
      .keepAlive,
    true,
  );
  assert.equal(
    parseResponseHead(head("HTTP/1.0 200 OK", "Connection: keep-alive")).keepAlive,
    false,
    "close-delimited body can never be kept alive",
  );
});

Deno.test("Keep-Alive: timeout=5 is reported as 5000 ms", () => {
  const parsed = parseResponseHead(
    head("HTTP/1.1 200 OK", "content-length: 1", "Keep-Alive: timeout=5"),
  );
  assert.equal(parsed.keepAliveMs, 5000);
  assert.equal(
    parseResponseHead(
      head("HTTP/1.1 200 OK", "content-length: 1", "keep-alive: timeout=30, max=100"),
    )
      .keepAliveMs,
    30_000,
  );
  assert.equal(
    parseResponseHead(
      head("HTTP/1.1 200 OK", "content-length: 1", "keep-alive: max=100, TIMEOUT=2"),
    )
      .keepAliveMs,
    2000,
  );
});

Deno.test("without a Keep-Alive timeout, keepAliveMs is absent", () => {
  const plain = parseResponseHead(head("HTTP/1.1 200 OK", "content-length: 1"));
  assert.equal(plain.keepAliveMs, undefined);
  assert.ok(!("keepAliveMs" in plain));
  const noTimeout = parseResponseHead(
    head("HTTP/1.1 200 OK", "content-length: 1", "keep-alive: max=5"),
  );
  assert.ok(!("keepAliveMs" in noTimeout));
});
