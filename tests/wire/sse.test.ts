import assert from "node:assert/strict";
import { sseFrame, SseParser } from "../../src/wire/sse.ts";

Deno.test("an SSE frame split at every byte offset parses to the same events", () => {
  const wire = 'event: message_start\ndata: {"a":1}\n\n: comment\ndata: line1\ndata: line2\n\n';
  for (let cut = 0; cut <= wire.length; cut++) {
    const parser = new SseParser();
    const events = [
      ...parser.push(wire.slice(0, cut)),
      ...parser.push(wire.slice(cut)),
      ...parser.end(),
    ];
    assert.deepEqual(events, [
      { event: "message_start", data: '{"a":1}' },
      { data: "line1\nline2" },
    ]);
  }
});

Deno.test("CRLF and lone CR line ends are accepted, even when CRLF is split across chunks", () => {
  const parser = new SseParser();
  const events = [
    ...parser.push("data: one\r"),
    ...parser.push("\n\r\ndata: two\r\r"),
    ...parser.end(),
  ];
  assert.deepEqual(events, [{ data: "one" }, { data: "two" }]);
});

Deno.test("a last event without its blank line is delivered at end of stream", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('data: {"x":true}'), []);
  assert.deepEqual(parser.end(), [{ data: '{"x":true}' }]);
});

Deno.test("sseFrame writes named and data-only frames", () => {
  assert.equal(sseFrame("{}", "ping"), "event: ping\ndata: {}\n\n");
  assert.equal(sseFrame("[DONE]"), "data: [DONE]\n\n");
});
