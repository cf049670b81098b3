/**
 * Saves at most once per interval, off the request path: a burst of failures becomes one write
 * of the latest state. `flush()` writes what is pending now (at shutdown).
 */
export class DebouncedSave {
  readonly #save: () => Promise<void>;
  readonly #intervalMs: number;
  readonly #log: (message: string) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(
    save: () => Promise<void>,
    intervalMs = 250,
    log: (message: string) => void = (message) => console.error(message),
  ) {
    this.#save = save;
    this.#intervalMs = intervalMs;
    this.#log = log;
  }

  /** Asks for a save within the interval; further calls before then join it. */
  schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, this.#intervalMs);
  }

  /** Writes now if a save is pending, and waits for any write in progress. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#run();
    }
    await this.#running;
  }

  #run(): Promise<void> {
    // Writes never overlap: each waits for the previous one.
    this.#running = this.#running.then(() => this.#save()).catch((error) => {
      this.#log(
        `plexus: could not save state: ${error instanceof Error ? error.message : error}`,
      );
    });
    return this.#running;
  }
}
