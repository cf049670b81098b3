/**
 * Deadlines of in-flight provider calls, all on one runtime timer.
 *
 * Every call has a time limit for its response head and a watchdog for its body. As one
 * `setTimeout` each (set, then cleared on success) they were a measurable share of a request's
 * CPU, on the path to its first byte. Here a deadline is an entry in a min-heap; the single timer
 * is armed for the earliest entry and re-armed only when an earlier one arrives or it fires. As
 * calls usually share their limits, a new deadline is rarely the earliest: most cost no timer.
 * When the queue empties the timer stays armed, unreferenced, so calls one at a time reuse it.
 */

/** `setTimeout` fires at once past this; a longer wait is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A scheduled callback; cancelling one that ran or was cancelled does nothing. */
export class Deadline {
  /** Position in the heap; -1 once it ran or was cancelled. */
  index = -1;

  constructor(
    readonly due: number,
    readonly run: () => void,
    readonly queue: DeadlineQueue,
  ) {}

  cancel(): void {
    this.queue.remove(this);
  }
}

/** A runtime timer: cleared, or kept armed without holding the process open. */
export interface TimerHandle {
  clear(): void;
  /** Keeps the process alive until it fires (the default). */
  ref(): void;
  /** Lets the process exit (and a test end) while it is still armed. */
  unref(): void;
}

/** The clock and the runtime timer the queue runs on; tests count the timers it arms. */
export interface Clock {
  now(): number;
  setTimer(run: () => void, ms: number): TimerHandle;
}

const RUNTIME_CLOCK: Clock = {
  now: () => performance.now(),
  setTimer: (run, ms) => {
    const timer = setTimeout(run, ms);
    return {
      clear: () => clearTimeout(timer),
      ref: () => timer.ref(),
      unref: () => timer.unref(),
    };
  },
};

export class DeadlineQueue {
  readonly #heap: Deadline[] = [];
  readonly #clock: Clock;
  #timer: TimerHandle | undefined;
  /** When the armed timer fires; Infinity when none is armed. */
  #timerDue = Infinity;
  /** Whether the armed timer holds the process open: only while deadlines wait. */
  #timerHeld = false;

  constructor(clock: Clock = RUNTIME_CLOCK) {
    this.#clock = clock;
  }

  /** Deadlines waiting to run. */
  get size(): number {
    return this.#heap.length;
  }

  /** Runs `run` in `ms` milliseconds unless cancelled first. */
  after(ms: number, run: () => void): Deadline {
    const deadline = new Deadline(this.#clock.now() + Math.max(0, ms), run, this);
    deadline.index = this.#heap.length;
    this.#heap.push(deadline);
    this.#siftUp(deadline.index);
    if (deadline.due < this.#timerDue) this.#arm();
    else this.#hold();
    return deadline;
  }

  remove(deadline: Deadline): void {
    const index = deadline.index;
    if (index < 0 || this.#heap[index] !== deadline) return;
    deadline.index = -1;
    const last = this.#heap.pop()!;
    if (index < this.#heap.length) {
      this.#heap[index] = last;
      last.index = index;
      this.#siftDown(index);
      this.#siftUp(last.index);
    }
    // The timer stays armed: firing early for a cancelled deadline costs one check, less than
    // clearing and re-arming it for every call when calls come one at a time. With nothing left
    // to run it must not keep the process alive, though.
    if (this.#heap.length === 0 && this.#timerHeld) {
      this.#timerHeld = false;
      this.#timer?.unref();
    }
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerDue = Infinity;
    this.#timerHeld = false;
    const now = this.#clock.now();
    const due: Deadline[] = [];
    while (this.#heap.length > 0 && this.#heap[0].due <= now) {
      const first = this.#heap[0];
      this.remove(first);
      due.push(first);
    }
    // Run after the heap is consistent: a callback may schedule or cancel deadlines.
    for (const deadline of due) deadline.run();
    if (this.#heap.length > 0 && this.#heap[0].due < this.#timerDue) this.#arm();
  }

  #arm(): void {
    this.#timer?.clear();
    const due = this.#heap[0].due;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(due - this.#clock.now())));
    this.#timerDue = due;
    this.#timer = this.#clock.setTimer(() => this.#fire(), wait);
    this.#timerHeld = true;
  }

  #hold(): void {
    if (this.#timerHeld || this.#timer === undefined) return;
    this.#timerHeld = true;
    this.#timer.ref();
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    const moving = heap[index];
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent.due <= moving.due) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = moving;
    moving.index = index;
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    const moving = heap[index];
    const length = heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && heap[right].due < heap[left].due ? right : left;
      if (heap[child].due >= moving.due) break;
      heap[index] = heap[child];
      heap[index].index = index;
      index = child;
    }
    heap[index] = moving;
    moving.index = index;
  }
}

/** The process's queue for provider-call deadlines. */
export const callDeadlines: DeadlineQueue = new DeadlineQueue();
