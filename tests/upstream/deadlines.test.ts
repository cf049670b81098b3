import assert from "node:assert/strict";
import {
  type Clock,
  type Deadline,
  DeadlineQueue,
  type TimerHandle,
} from "../../src/upstream/deadlines.ts";

/** A clock moved by hand, whose pending timers the test fires by advancing time. */
class ManualClock implements Clock {
  time = 0;
  armed = 0;
  #nextId = 1;
  #timers = new Map<number, { at: number; run: () => void; held: boolean }>();

  now(): number {
    return this.time;
  }

  setTimer(run: () => void, ms: number): TimerHandle {
    this.armed++;
    const id = this.#nextId++;
    const timer = { at: this.time + ms, run, held: true };
    this.#timers.set(id, timer);
    return {
      clear: () => this.#timers.delete(id),
      ref: () => (timer.held = true),
      unref: () => (timer.held = false),
    };
  }

  /** Timers armed and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Pending timers that would keep the process alive. */
  get held(): number {
    return [...this.#timers.values()].filter((timer) => timer.held).length;
  }

  /** Moves time forward, firing timers that come due in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.#timers].sort((a, b) => a[1].at - b[1].at)[0];
      if (next === undefined || next[1].at > end) break;
      this.#timers.delete(next[0]);
      this.time = next[1].at;
      next[1].run();
    }
    this.time = end;
  }
}

Deno.test("deadlines run in due order, not in the order they were set", () => {
  const clock = new ManualClock();
  const queue = new DeadlineQueue(clock);
  const ran: string[] = [];
  queue.after(30, () => ran.push("30"));
  queue.after(10, () => ran.push("10"));
  queue.after(20, () => ran.push("20"));
  clock.advance(9);
  assert.deepEqual(ran, []);
  clock.advance(1);
  assert.deepEqual(ran, ["10"]);
  clock.advance(100);
  assert.deepEqual(ran, ["10", "20", "30"]);
  assert.deepEqual(queue.size, 0);
  assert.deepEqual(clock.pending, 0);
});

Deno.test("a cancelled deadline never runs, and cancelling twice is harmless", () => {
  const clock = new ManualClock();
  const queue = new DeadlineQueue(clock);
  const ran: string[] = [];
  const first = queue.after(10, () => ran.push("first"));
  queue.after(20, () => ran.push("second"));
  first.cancel();
  first.cancel();
  clock.advance(50);
  assert.deepEqual(ran, ["second"]);
});

Deno.test("many deadlines with the same limit arm the runtime timer once", () => {
  const clock = new ManualClock();
  const queue = new DeadlineQueue(clock);
  const deadlines: Deadline[] = [];
  for (let i = 0; i < 1000; i++) {
    deadlines.push(queue.after(30_000, () => {}));
    clock.advance(0.01);
  }
  assert.deepEqual(clock.armed, 1);
  for (const deadline of deadlines) deadline.cancel();
  assert.deepEqual(queue.size, 0);
  assert.deepEqual(clock.held, 0, "no timer holds the process once nothing waits");
});

Deno.test("calls made one at a time reuse one armed timer instead of arming one each", () => {
  const clock = new ManualClock();
  const queue = new DeadlineQueue(clock);
  for (let i = 0; i < 1000; i++) {
    const deadline = queue.after(30_000, () => {});
    assert.equal(clock.held, 1, "a waiting deadline holds the process");
    deadline.cancel();
    assert.equal(clock.held, 0);
    clock.advance(1);
  }
  assert.equal(clock.armed, 1);
  clock.advance(60_000);
  assert.equal(clock.pending, 0, "the idle timer fired once and was not re-armed");
});

Deno.test("an earlier deadline re-arms the timer for itself", () => {
  const clock = new ManualClock();
  const queue = new DeadlineQueue(clock);
  let ran = 0;
  queue.after(60_000, () => {});
  queue.after(5, () => ran++);
  assert.deepEqual(clock.armed, 2);
  assert.deepEqual(clock.pending, 1);
  clock.advance(5);
  assert.deepEqual(ran, 1);
  assert.deepEqual(clock.pending, 1, "armed again for the remaining deadline");
});

Deno.test("a timer that fires for a cancelled deadline re-arms for the next one", () => {
  const clock = new ManualClock();
  const queue = new DeadlineQueue(clock);
  const ran: number[] = [];
  const early = queue.after(10, () => ran.push(10));
  queue.after(40, () => ran.push(40));
  early.cancel();
  clock.advance(10);
  assert.deepEqual(ran, []);
  clock.advance(30);
  assert.deepEqual(ran, [40]);
});

Deno.test("a callback may schedule and cancel deadlines while the queue fires", () => {
  const clock = new ManualClock();
  const queue = new DeadlineQueue(clock);
  const ran: string[] = [];
  const doomed = queue.after(10, () => ran.push("doomed"));
  queue.after(10, () => {
    ran.push("rearm");
    doomed.cancel();
    queue.after(10, () => ran.push("again"));
  });
  clock.advance(10);
  clock.advance(10);
  // Both were due at once: the one cancelled by the other may already have run, never twice.
  assert.ok(ran.filter((name) => name === "doomed").length <= 1);
  assert.deepEqual(ran.filter((name) => name === "again"), ["again"]);
  assert.deepEqual(queue.size, 0);
});

Deno.test("random schedules and cancellations run exactly the live deadlines, in due order", () => {
  const clock = new ManualClock();
  const queue = new DeadlineQueue(clock);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const ran: number[] = [];
  const live = new Set<number>();
  const handles: Array<{ due: number; deadline: Deadline }> = [];
  for (let i = 0; i < 2000; i++) {
    const due = Math.floor(random() * 10_000);
    handles.push({ due, deadline: queue.after(due, () => ran.push(due)) });
    live.add(i);
  }
  for (let i = 0; i < handles.length; i++) {
    if (random() < 0.4) {
      handles[i].deadline.cancel();
      live.delete(i);
    }
  }
  assert.deepEqual(queue.size, live.size);
  clock.advance(20_000);
  const expected = [...live].map((i) => handles[i].due).sort((a, b) => a - b);
  assert.deepEqual(ran, expected);
});

Deno.test("the runtime queue fires a real timer and leaves none behind", async () => {
  const queue = new DeadlineQueue();
  const started = performance.now();
  const elapsed = await new Promise<number>((resolve) => {
    queue.after(15, () => resolve(performance.now() - started));
    queue.after(60_000, () => {}).cancel();
  });
  assert.ok(elapsed >= 14, `ran after ${elapsed} ms`);
  assert.deepEqual(queue.size, 0);
});
