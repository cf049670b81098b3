import assert from "node:assert/strict";
import { EventLoopTurns } from "../../src/wire/event_loop_turns.ts";

Deno.test("next() resolves after the microtasks queued before it, in the order asked", async () => {
  const turns = new EventLoopTurns();
  const order: string[] = [];
  const first = turns.next().then(() => order.push("turn 1"));
  const second = turns.next().then(() => order.push("turn 2"));
  queueMicrotask(() => order.push("microtask"));
  await Promise.all([first, second]);
  assert.deepEqual(order, ["microtask", "turn 1", "turn 2"]);
  turns.close();
});

Deno.test("close() releases whoever waits, and later turns pass at once", async () => {
  const turns = new EventLoopTurns();
  const waiting = turns.next();
  turns.close();
  await waiting;
  await turns.next();
});

Deno.test("a socket read that is ready completes before the turn does", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const server = await listener.accept();
  const turns = new EventLoopTurns();
  try {
    await server.write(new Uint8Array([1]));
    // Give the byte time to land, then race a read of it against one turn.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const order: string[] = [];
    const read = client.read(new Uint8Array(1)).then(() => order.push("read"));
    const turn = turns.next().then(() => order.push("turn"));
    await Promise.all([read, turn]);
    assert.deepEqual(order, ["read", "turn"]);
  } finally {
    turns.close();
    client.close();
    server.close();
    listener.close();
  }
});
