/**
 * The one Redis (or Valkey) connection a server shares state through (docs/teams.md, "Running
 * several instances"). Requests never wait for Redis to come back: while it is unreachable every
 * call answers `undefined` at once (node-redis with its offline queue disabled), a call that
 * takes longer than `timeout_ms` is abandoned the same way, and callers fall back to local
 * state. The client reconnects by itself with capped exponential backoff. An outage and a
 * recovery are each logged once.
 */
import type { createClient as CreateClient } from "@redis/client";

/** The commands Plexus uses, typed narrowly (node-redis's own types are generic-heavy). */
export interface RedisCommands {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  scriptLoad(script: string): Promise<string>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  hSet(key: string, field: string, value: string): Promise<unknown>;
  hGet(key: string, field: string): Promise<string | null>;
  hGetAll(key: string): Promise<Record<string, string>>;
  hDel(key: string, field: string | string[]): Promise<unknown>;
  pExpire(key: string, ms: number): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
}

interface RawClient extends RedisCommands {
  isReady: boolean;
  on(event: string, listener: (arg: unknown) => void): unknown;
  connect(): Promise<unknown>;
  destroy(): void;
  duplicate(): RawClient;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
}

export interface RedisOptions {
  url: string;
  prefix: string;
  timeoutMs: number;
  log?: (message: string) => void;
}

export interface RedisStatus {
  store: "redis";
  connected: boolean;
  /** What limits mean right now. */
  mode: "shared" | "local (Redis unreachable: limits and cooldowns are per instance)";
  since: string;
  lastError?: string;
}

const MAX_BACKOFF_MS = 5000;
const PAUSE_AFTER_TIMEOUT_MS = 1000;

function backoff(retries: number): number {
  return Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(retries, 10));
}

class Timeout extends Error {}

export class RedisConnection {
  readonly prefix: string;
  readonly #client: RawClient;
  readonly #subscriber: RawClient;
  readonly #timeoutMs: number;
  readonly #log: (message: string) => void;
  readonly #readyListeners: Array<() => void> = [];
  #up = false;
  #since = Date.now();
  #lastError: string | undefined;
  #closed = false;
  #warned = false;
  /** After a call timed out, requests skip Redis for a moment rather than each waiting. */
  #pausedUntil = 0;

  /**
   * Loads the Redis client only now: a server on the file store never pays for the module.
   * Connecting goes on in the background; the connection is usable once `connected`.
   */
  static async open(options: RedisOptions): Promise<RedisConnection> {
    const { createClient } = await import("@redis/client");
    return new RedisConnection(options, createClient);
  }

  private constructor(options: RedisOptions, createClient: typeof CreateClient) {
    this.prefix = options.prefix;
    this.#timeoutMs = options.timeoutMs;
    this.#log = options.log ?? ((message) => console.error(message));
    const client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: backoff, connectTimeout: 2000 },
    }) as unknown as RawClient;
    this.#client = client;
    this.#subscriber = client.duplicate();
    client.on("error", (error) => this.#down(error));
    client.on("ready", () => this.#ready());
    // The subscriber reports through the main client's state; its own errors must be handled.
    this.#subscriber.on("error", () => {});
    client.connect().catch(() => {});
    this.#subscriber.connect().catch(() => {});
  }

  get connected(): boolean {
    return this.#up && this.#client.isReady && Date.now() >= this.#pausedUntil;
  }

  /** Waits up to `ms` for the first connection (at start); never throws. */
  async waitReady(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.connected && Date.now() < deadline && !this.#closed) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.connected;
  }

  /** Called every time the connection becomes usable (first connect and each reconnect). */
  onReady(listener: () => void): void {
    this.#readyListeners.push(listener);
    if (this.connected) listener();
  }

  /**
   * Runs `work` against Redis within the time limit; `undefined` when Redis is unreachable,
   * slow or failing. Never throws, never waits for a reconnect.
   */
  async run<T>(work: (redis: RedisCommands) => Promise<T>): Promise<T | undefined> {
    if (!this.connected) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const answer = await Promise.race([
        work(this.#client),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Timeout()), this.#timeoutMs);
        }),
      ]);
      if (this.#warned) {
        this.#warned = false;
        this.#log("plexus: Redis answers again: state is shared");
      }
      return answer;
    } catch (error) {
      if (error instanceof Timeout) {
        this.#pausedUntil = Date.now() + PAUSE_AFTER_TIMEOUT_MS;
        this.#note(`no answer within ${this.#timeoutMs} ms`);
      } else this.#note(error instanceof Error ? error.message : String(error));
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a Lua script by its SHA, loading it when the server does not know it (one retry). */
  async script(redis: RedisCommands, script: LuaScript, keys: string[], args: string[]) {
    try {
      return await redis.evalSha(script.sha, { keys, arguments: args });
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes("NOSCRIPT")) throw error;
      return await redis.eval(script.source, { keys, arguments: args });
    }
  }

  /** Fire and forget: used for changes other instances should hear about. */
  publish(channel: string, message: string): void {
    void this.run((redis) => redis.publish(this.prefix + channel, message));
  }

  /** node-redis subscribes again by itself after a reconnect. */
  subscribe(channel: string, listener: (message: string) => void): void {
    this.#subscriber.subscribe(this.prefix + channel, listener).catch(() => {});
  }

  status(): RedisStatus {
    const connected = this.connected;
    return {
      store: "redis",
      connected,
      mode: connected
        ? "shared"
        : "local (Redis unreachable: limits and cooldowns are per instance)",
      since: new Date(this.#since).toISOString(),
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  close(): void {
    this.#closed = true;
    for (const client of [this.#client, this.#subscriber]) {
      try {
        client.destroy();
      } catch {
        // Already closed.
      }
    }
  }

  #ready(): void {
    if (this.#warned) this.#log("plexus: Redis is reachable again: state is shared");
    this.#warned = false;
    if (!this.#up) {
      this.#up = true;
      this.#since = Date.now();
    }
    for (const listener of this.#readyListeners) {
      try {
        listener();
      } catch (error) {
        this.#log(
          `plexus: after Redis connected: ${error instanceof Error ? error.message : error}`,
        );
      }
    }
  }

  /** The connection broke: local state until the client reconnects. */
  #down(error: unknown): void {
    this.#note(error instanceof Error ? error.message : String(error));
    if (this.#up) {
      this.#up = false;
      this.#since = Date.now();
    }
  }

  /** Logged once per outage; a slow or failed command alone leaves the connection up. */
  #note(reason: string): void {
    this.#lastError = reason;
    if (this.#warned) return;
    this.#warned = true;
    this.#log(
      `plexus: Redis unreachable (${reason}): serving with local state (limits per instance); retrying`,
    );
  }
}

/** A Lua script with its SHA1 (what EVALSHA takes), computed once through WebCrypto. */
export interface LuaScript {
  source: string;
  sha: string;
}

export async function luaScript(source: string): Promise<LuaScript> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-1", new TextEncoder().encode(source)),
  );
  return { source, sha: [...digest].map((b) => b.toString(16).padStart(2, "0")).join("") };
}
