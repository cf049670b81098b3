/**
 * A small in-memory pub/sub for the live admin stream (`GET /v0/events`). Publishing never
 * waits: each subscriber has a bounded queue, and when a slow reader lets it fill, the oldest
 * event is dropped and counted. A subscriber that leaves is forgotten at once.
 */

export interface BusEvent {
  /** SSE event name: `request`, `cooldown`. */
  event: string;
  /** JSON text, sent as the SSE `data` line. */
  data: string;
}

export const DEFAULT_QUEUE_LIMIT = 1000;

export class Subscription {
  readonly #queue: BusEvent[] = [];
  readonly #limit: number;
  readonly #onClose: (subscription: Subscription) => void;
  #dropped = 0;
  #closed = false;
  #wake: (() => void) | undefined;
  #ready: Promise<void> | undefined;

  constructor(limit: number, onClose: (subscription: Subscription) => void) {
    this.#limit = Math.max(1, limit);
    this.#onClose = onClose;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Events lost to a full queue since the subscription began. */
  get dropped(): number {
    return this.#dropped;
  }

  push(event: BusEvent): void {
    if (this.#closed) return;
    this.#queue.push(event);
    if (this.#queue.length > this.#limit) {
      this.#queue.shift();
      this.#dropped++;
    }
    this.#signal();
  }

  /** Everything queued, oldest first; the queue is empty afterwards. */
  take(): BusEvent[] {
    return this.#queue.splice(0, this.#queue.length);
  }

  /** Resolves once an event is queued or the subscription closed. */
  ready(): Promise<void> {
    if (this.#queue.length > 0 || this.#closed) return Promise.resolve();
    this.#ready ??= new Promise<void>((resolve) => (this.#wake = resolve));
    return this.#ready;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose(this);
    this.#signal();
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    this.#ready = undefined;
    wake?.();
  }
}

export class EventBus {
  readonly #subscribers = new Set<Subscription>();
  #closed = false;

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  subscribe(queueLimit = DEFAULT_QUEUE_LIMIT): Subscription {
    const subscription = new Subscription(queueLimit, (s) => this.#subscribers.delete(s));
    if (this.#closed) subscription.close();
    else this.#subscribers.add(subscription);
    return subscription;
  }

  publish(event: string, data: unknown): void {
    if (this.#subscribers.size === 0) return;
    const message = { event, data: JSON.stringify(data) };
    for (const subscriber of this.#subscribers) subscriber.push(message);
  }

  /** Ends every subscription (at shutdown, so open streams do not hold the server up). */
  close(): void {
    this.#closed = true;
    for (const subscriber of [...this.#subscribers]) subscriber.close();
  }
}
