/**
 * Waits for the event loop to go round once, so the runtime writes the bytes a response stream
 * has just enqueued before the gateway spends time on anything else.
 *
 * Deno sends a streamed response's bytes only when JavaScript yields to the event loop. Awaiting
 * a resolved promise or `setImmediate` does not yield that far, and `setTimeout(0)` waits for the
 * next millisecond tick. A message through a `MessageChannel` arrives by an async op, after the
 * runtime has polled its sockets: about 2 microseconds a turn, measured.
 */
/** Something that resolves once the runtime has had a turn; tests hold or count turns. */
export interface Turns {
  next(): Promise<void>;
  close(): void;
}

export class EventLoopTurns implements Turns {
  #channel: MessageChannel | undefined;
  #waiting: Array<() => void> = [];
  #closed = false;

  /** Resolves on a later turn of the event loop; at once after `close()`. */
  next(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const channel = this.#channel ??= this.#open();
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      channel.port1.postMessage(null);
    });
  }

  /** Releases the channel (an open one keeps the process alive) and whoever still waits. */
  close(): void {
    this.#closed = true;
    this.#channel?.port1.close();
    this.#channel?.port2.close();
    this.#channel = undefined;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }

  #open(): MessageChannel {
    const channel = new MessageChannel();
    channel.port2.onmessage = () => this.#waiting.shift()?.();
    return channel;
  }
}
