/**
 * Appends JSON lines to one file per UTC day without ever making a request wait: `push` only
 * queues a string; a timer writes the queue in order at most `flushIntervalMs` later. A failed
 * write keeps its lines queued and is retried on the next tick; the error is reported once per
 * outage, never thrown. A crash loses at most the lines of the last interval.
 */
import { type AppendFiles, DENO_APPEND_FILES } from "./append_files.ts";
import { dayFilePath } from "./day_file.ts";

export interface JsonlWriterOptions {
  /** Folder of the day files. */
  dir: string;
  flushIntervalMs?: number;
  files?: AppendFiles;
  /** Where the one message per disk outage goes. */
  onError?: (message: string) => void;
  /** Oldest lines are dropped beyond this while the disk fails, so memory stays bounded. */
  maxQueuedLines?: number;
  /** Queued text that triggers a write before the interval is over. */
  flushAtChars?: number;
}

interface Queued {
  path: string;
  text: string;
}

export class DailyJsonlWriter {
  readonly #dir: string;
  readonly #interval: number;
  readonly #files: AppendFiles;
  readonly #onError: (message: string) => void;
  readonly #maxQueued: number;
  #queue: Queued[] = [];
  #queuedChars = 0;
  readonly #flushAtChars: number;
  #earlyFlush: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #failing = false;
  #dropped = 0;
  #closed = false;
  /** Files already checked for a line cut by an earlier crash. */
  readonly #checked = new Set<string>();

  constructor(options: JsonlWriterOptions) {
    this.#dir = options.dir;
    this.#interval = options.flushIntervalMs ?? 1000;
    this.#files = options.files ?? DENO_APPEND_FILES;
    this.#onError = options.onError ?? ((message) => console.error(`plexus: ${message}`));
    this.#maxQueued = options.maxQueuedLines ?? 100_000;
    // Small batches under load: a second of lines joined at once was tens of MB of peak RSS.
    this.#flushAtChars = options.flushAtChars ?? 64 * 1024;
  }

  /** Queues one line for the day of `epochMs`. Cheap and synchronous. */
  push(epochMs: number, line: unknown): void {
    if (this.#closed) return;
    const text = JSON.stringify(line) + "\n";
    this.#queue.push({ path: dayFilePath(this.#dir, epochMs), text });
    this.#queuedChars += text.length;
    if (this.#queue.length > this.#maxQueued) {
      this.#dropped += this.#queue.length - this.#maxQueued;
      this.#queue.splice(0, this.#queue.length - this.#maxQueued);
    }
    if (this.#queuedChars >= this.#flushAtChars && !this.#failing) {
      this.#earlyFlush ??= this.flush().finally(() => (this.#earlyFlush = undefined));
    }
    this.#schedule();
  }

  /** Lines queued and not yet written. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Writes everything queued so far; resolves when done or when the write failed. */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#writeQueued());
    return this.#writing;
  }

  /** Stops the timer and writes what is left (one last try). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().then(() => {
        if (this.#queue.length > 0) this.#schedule();
      });
    }, this.#interval);
  }

  async #writeQueued(): Promise<void> {
    while (this.#queue.length > 0) {
      const path = this.#queue[0].path;
      let count = 1;
      while (count < this.#queue.length && this.#queue[count].path === path) count++;
      const text = this.#queue.slice(0, count).map((q) => q.text).join("");
      try {
        await this.#append(path, text);
      } catch (error) {
        if (!this.#failing) {
          const reason = error instanceof Error ? error.message : String(error);
          this.#onError(`cannot write ${path} (will retry every second): ${reason}`);
        }
        this.#failing = true;
        return;
      }
      this.#queue.splice(0, count);
      this.#queuedChars = 0;
      for (const queued of this.#queue) this.#queuedChars += queued.text.length;
      if (this.#failing) {
        const lost = this.#dropped === 0 ? "" : `; ${this.#dropped} line(s) were dropped`;
        this.#onError(`writing ${path} works again${lost}`);
      }
      this.#failing = false;
      this.#dropped = 0;
    }
  }

  async #append(path: string, text: string): Promise<void> {
    // A line cut by a crash would swallow our first line; start on a fresh one.
    const cut = !this.#checked.has(path) && await this.#files.endsMidLine(path);
    await this.#files.append(path, cut ? "\n" + text : text);
    this.#checked.add(path);
  }
}
