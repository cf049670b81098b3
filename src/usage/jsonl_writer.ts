/**
 * Appends JSON lines to one file per UTC day without ever making a request wait: `push` only
 * queues a string; a timer writes the queue in order at most `flushIntervalMs` later. A failed
 * write is retried on the next tick from the exact byte where it stopped (a disk that filled up
 * mid-batch took part of it), so every line lands once and whole; the error is reported once per
 * outage, never thrown. A crash loses at most the lines of the last interval.
 */
import { type AppendFiles, bytesWrittenBefore, DENO_APPEND_FILES } from "./append_files.ts";
import { dayFilePath } from "./day_file.ts";

export interface JsonlWriterOptions {
  /** Folder of the day files. */
  dir: string;
  /** Part of every file name when several instances share the folder. */
  instance?: string;
  flushIntervalMs?: number;
  files?: AppendFiles;
  /** Where the one message per disk outage goes. */
  onError?: (message: string) => void;
  /** Oldest lines are dropped beyond this while the disk fails, so memory stays bounded. */
  maxQueuedLines?: number;
  /** Queued text that triggers a write before the interval is over. */
  flushAtChars?: number;
  /** Permission bits of new files (0o600 for logs that hold prompts). */
  fileMode?: number;
}

interface Queued {
  path: string;
  text: string;
}

/** A batch taken off the queue and not yet wholly written: what is left of it, byte-exact. */
interface Unwritten {
  path: string;
  bytes: Uint8Array;
}

const NEWLINE = 0x0a;
const encoder = new TextEncoder();

export class DailyJsonlWriter {
  readonly #dir: string;
  readonly #instance: string | undefined;
  readonly #interval: number;
  readonly #files: AppendFiles;
  readonly #onError: (message: string) => void;
  readonly #maxQueued: number;
  #queue: Queued[] = [];
  #unwritten: Unwritten | undefined;
  readonly #fileMode: number | undefined;
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
    this.#instance = options.instance;
    this.#interval = options.flushIntervalMs ?? 1000;
    this.#files = options.files ?? DENO_APPEND_FILES;
    this.#onError = options.onError ?? ((message) => console.error(`plexus: ${message}`));
    this.#maxQueued = options.maxQueuedLines ?? 100_000;
    // Small batches under load: a second of lines joined at once was tens of MB of peak RSS.
    this.#flushAtChars = options.flushAtChars ?? 64 * 1024;
    this.#fileMode = options.fileMode;
  }

  /** Queues one line for the day of `epochMs`. Cheap and synchronous. */
  push(epochMs: number, line: unknown): void {
    if (this.#closed) return;
    const text = JSON.stringify(line) + "\n";
    this.#queue.push({ path: dayFilePath(this.#dir, epochMs, this.#instance), text });
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

  /** Lines queued or partly written, not yet wholly on disk. */
  get pending(): number {
    const bytes = this.#unwritten?.bytes;
    let unwritten = 0;
    if (bytes !== undefined) { for (const byte of bytes) if (byte === NEWLINE) unwritten++; }
    return this.#queue.length + unwritten;
  }

  /** Writes everything queued so far; resolves when done or when the write failed. */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#writeQueued());
    return this.#writing;
  }

  /** Stops the timer and writes what is left (one last try); says how many lines were lost. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    const lost = this.pending + this.#dropped;
    if (lost > 0) this.#onError(`${lost} line(s) could not be written to ${this.#dir} before exit`);
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
    for (;;) {
      const batch = this.#unwritten ?? await this.#takeBatch();
      if (batch === undefined) return;
      this.#unwritten = batch;
      try {
        await this.#files.append(batch.path, batch.bytes, this.#fileMode);
      } catch (error) {
        // Whatever reached the disk stays there; the next try continues after it.
        const written = Math.min(bytesWrittenBefore(error), batch.bytes.length);
        this.#unwritten = { path: batch.path, bytes: batch.bytes.subarray(written) };
        if (!this.#failing) {
          const reason = error instanceof Error ? error.message : String(error);
          this.#onError(`cannot write ${batch.path} (will retry every second): ${reason}`);
        }
        this.#failing = true;
        return;
      }
      this.#unwritten = undefined;
      if (this.#failing) {
        const lost = this.#dropped === 0 ? "" : `; ${this.#dropped} line(s) were dropped`;
        this.#onError(`writing ${batch.path} works again${lost}`);
      }
      this.#failing = false;
      this.#dropped = 0;
    }
  }

  /** The queued lines of the oldest file, off the queue, as bytes ready to append. */
  async #takeBatch(): Promise<Unwritten | undefined> {
    if (this.#queue.length === 0) return undefined;
    const path = this.#queue[0].path;
    // A line cut by a crash would swallow our first line; start on a fresh one.
    let prefix = "";
    if (!this.#checked.has(path)) {
      const cut = await this.#files.endsMidLine(path).catch(() => false);
      this.#checked.add(path);
      if (cut) prefix = "\n";
    }
    // Counted after the wait: pushes meanwhile may have appended (or dropped the oldest).
    if (this.#queue.length === 0) return undefined;
    let count = 0;
    while (count < this.#queue.length && this.#queue[count].path === path) count++;
    const text = prefix + this.#queue.slice(0, count).map((q) => q.text).join("");
    this.#queue.splice(0, count);
    this.#queuedChars = 0;
    for (const queued of this.#queue) this.#queuedChars += queued.text.length;
    return { path, bytes: encoder.encode(text) };
  }
}
