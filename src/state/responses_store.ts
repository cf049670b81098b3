/**
 * What Plexus keeps of OpenAI Responses answers, so that `previous_response_id`,
 * `item_reference` and `GET`/`DELETE /v1/responses/{id}` work whatever provider answered.
 *
 * Two kinds of entry:
 * - kept here (a translated answer): the items the request added and the response object, with a
 *   link to the response it continued; a follow-up's conversation is the chain of links;
 * - kept by the provider (a Responses provider answered as is): only who made it, so that the
 *   follow-up goes back to that provider and model.
 *
 * Entries belong to the client key that made them. The in-memory store forgets an entry after
 * its time to live and, oldest first, when it holds more entries or bytes than its caps. The
 * interface is small so that a store shared by several instances can take its place.
 */
import type { JsonObject } from "../codecs/json_guards.ts";

export interface KeptHere {
  /** The request's own input items (previous turns are reached through `previousId`). */
  input: JsonObject[];
  /** The response object as the client got it (its `output` holds the answer's items). */
  response: JsonObject;
  previousId?: string;
}

export interface StoredResponse {
  id: string;
  /** The client key's name ("" without auth): only that key sees the entry. */
  owner: string;
  provider: string;
  model: string;
  /** Absent when the provider keeps the response itself. */
  here?: KeptHere;
}

export interface ResponsesStore {
  get(id: string, owner: string): StoredResponse | undefined;
  put(entry: StoredResponse): void;
  delete(id: string, owner: string): boolean;
  /** An input or output item of a kept response, by its `id`. */
  item(itemId: string, owner: string): JsonObject | undefined;
}

export interface ResponsesStoreLimits {
  ttlMs: number;
  maxResponses: number;
  /** Bytes of JSON kept, all entries together. */
  maxBytes: number;
}

/** Defaults (docs/clients.md, "Responses state"). */
export const DEFAULT_RESPONSES_LIMITS: ResponsesStoreLimits = {
  ttlMs: 6 * 60 * 60 * 1000,
  maxResponses: 10_000,
  maxBytes: 256 * 1024 * 1024,
};

interface Slot {
  entry: StoredResponse;
  expiresAt: number;
  bytes: number;
  itemIds: string[];
}

export class MemoryResponsesStore implements ResponsesStore {
  readonly #limits: ResponsesStoreLimits;
  readonly #now: () => number;
  /** Insertion order is age order: the first slot is the oldest. */
  readonly #slots = new Map<string, Slot>();
  readonly #items = new Map<string, { responseId: string; item: JsonObject }>();
  #bytes = 0;

  constructor(limits: ResponsesStoreLimits = DEFAULT_RESPONSES_LIMITS, now = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  get(id: string, owner: string): StoredResponse | undefined {
    const slot = this.#live(id);
    return slot?.entry.owner === owner ? slot.entry : undefined;
  }

  put(entry: StoredResponse): void {
    this.#remove(entry.id);
    const bytes = entry.here === undefined ? 64 : JSON.stringify(entry.here).length;
    if (bytes > this.#limits.maxBytes) return;
    const itemIds: string[] = [];
    if (entry.here !== undefined) {
      const output = Array.isArray(entry.here.response.output) ? entry.here.response.output : [];
      for (const item of [...entry.here.input, ...output]) {
        const itemId = (item as JsonObject).id;
        if (typeof itemId !== "string" || itemId === "") continue;
        this.#items.set(itemId, { responseId: entry.id, item: item as JsonObject });
        itemIds.push(itemId);
      }
    }
    this.#slots.set(entry.id, {
      entry,
      expiresAt: this.#now() + this.#limits.ttlMs,
      bytes,
      itemIds,
    });
    this.#bytes += bytes;
    this.#evict();
  }

  delete(id: string, owner: string): boolean {
    if (this.get(id, owner) === undefined) return false;
    this.#remove(id);
    return true;
  }

  item(itemId: string, owner: string): JsonObject | undefined {
    const found = this.#items.get(itemId);
    if (found === undefined) return undefined;
    return this.get(found.responseId, owner) !== undefined ? found.item : undefined;
  }

  /** Entries kept now (for tests and /v0 views). */
  get size(): number {
    return this.#slots.size;
  }

  #live(id: string): Slot | undefined {
    const slot = this.#slots.get(id);
    if (slot === undefined) return undefined;
    if (slot.expiresAt > this.#now()) return slot;
    this.#remove(id);
    return undefined;
  }

  #remove(id: string): void {
    const slot = this.#slots.get(id);
    if (slot === undefined) return;
    this.#slots.delete(id);
    this.#bytes -= slot.bytes;
    for (const itemId of slot.itemIds) {
      if (this.#items.get(itemId)?.responseId === id) this.#items.delete(itemId);
    }
  }

  /** Oldest first: expired entries, then whatever exceeds the caps. */
  #evict(): void {
    const now = this.#now();
    for (const [id, slot] of this.#slots) {
      const over = this.#slots.size > this.#limits.maxResponses ||
        this.#bytes > this.#limits.maxBytes;
      if (!over && slot.expiresAt > now) break;
      this.#remove(id);
    }
  }
}
