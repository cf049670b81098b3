/**
 * The Responses API's server-side state for one request (OpenAI API reference, "Conversation
 * state": `previous_response_id`, `item_reference`, `store`).
 *
 * - A reference to a response Plexus kept (a translated answer) is expanded here: the body goes
 *   on with the whole conversation in `input`, so any provider can continue it.
 * - A reference to a response a Responses provider keeps goes to that provider and model,
 *   unchanged ("sticky"); an unknown reference is left for a Responses provider to judge, and is
 *   a 400/404 in OpenAI's words on a translated path.
 * - The answer is kept unless the request said `store: false`.
 */
import type { EncodeContext } from "../codecs/codec.ts";
import { isObject, type JsonObject } from "../codecs/json_guards.ts";
import { GatewayError, type UnifiedRequest } from "../codecs/unified.ts";
import type { Candidate } from "../routing/resolve.ts";
import type { Config } from "../config/types.ts";
import type { ResponsesStore, StoredResponse } from "../state/responses_store.ts";
import type { RequestRecord } from "../usage/record.ts";

export interface ResponsesState {
  /** The body to decode: references Plexus could resolve are resolved. */
  body: JsonObject;
  /** The provider and model that keep the referenced response, when a provider keeps it. */
  sticky?: Candidate;
  /** Keeps the answer (undefined with `store: false`). */
  keep?: Keeper;
  /** The request's `previous_response_id`, for the answer to echo. */
  previousResponseId?: string;
}

interface Keeper {
  /** A translated answer: the Responses encoder hands over the response object. */
  translated(response: JsonObject, record: RequestRecord): void;
  /** A Responses provider answered as is: remember who keeps the response. */
  passedThrough(record: RequestRecord): void;
}

export function resolveResponsesState(
  raw: JsonObject,
  store: ResponsesStore,
  owner: string,
): ResponsesState {
  const body: JsonObject = { ...raw };
  let previous: StoredResponse | undefined;
  const previousId = raw.previous_response_id;
  if (typeof previousId === "string" && previousId !== "") {
    previous = store.get(previousId, owner);
  }
  let history: JsonObject[] = [];
  if (previous?.here !== undefined) {
    history = conversationUpTo(previous, store, owner, previousId as string);
    delete body.previous_response_id;
  }
  const newInput = inputItems(raw.input)?.map((item) => resolveItemReference(item, store, owner));
  // Input of the wrong shape stays as it is, for the codec to refuse with a 400.
  if (newInput === undefined) return { body: raw };
  body.input = [...history, ...newInput];
  const state: ResponsesState = { body };
  if (typeof previousId === "string") state.previousResponseId = previousId;
  if (previous !== undefined && previous.here === undefined) {
    state.sticky = { provider: previous.provider, model: previous.model };
  }
  if (raw.store !== false) {
    const keptPrevious = previous?.here !== undefined ? previousId as string : undefined;
    state.keep = keeper(store, owner, newInput.filter(isObject), keptPrevious);
  }
  return state;
}

/** The referenced response's keeper when a provider keeps it (and is still configured). */
export function stickyCandidates(
  state: ResponsesState | undefined,
  config: Pick<Config, "providers">,
  candidates: Candidate[],
): Candidate[] {
  const sticky = state?.sticky;
  if (sticky === undefined) return candidates;
  return config.providers[sticky.provider] !== undefined ? [sticky] : candidates;
}

/** The answer's `store` and `previous_response_id` as the client should see them. */
export function keepContext(
  state: ResponsesState | undefined,
  record: RequestRecord,
): EncodeContext["responses"] {
  if (state === undefined) return undefined;
  const keep = state.keep;
  return {
    store: keep !== undefined,
    previousResponseId: state.previousResponseId,
    ...(keep !== undefined ? { onComplete: (r: JsonObject) => keep.translated(r, record) } : {}),
  };
}

/**
 * References a translated request cannot carry: a provider would have to hold the state.
 * Answered like OpenAI answers an unknown id.
 */
export function unresolvedStateError(request: UnifiedRequest): GatewayError | undefined {
  const needed = request.providerState;
  if (needed === undefined) return undefined;
  if (needed.kind === "previous_response") {
    return new GatewayError(
      "invalid_request",
      `Previous response with id '${needed.id}' not found.`,
      { param: "previous_response_id", code: "previous_response_not_found" },
    );
  }
  if (needed.kind === "item") {
    return new GatewayError("not_found", `Item with id '${needed.id}' not found.`, {
      param: "input",
    });
  }
  return new GatewayError(
    "invalid_request",
    "conversation: conversations are kept by OpenAI; the selected provider cannot continue one. " +
      "Send previous_response_id or the whole input instead.",
    { param: "conversation" },
  );
}

function keeper(
  store: ResponsesStore,
  owner: string,
  input: JsonObject[],
  previousId: string | undefined,
): Keeper {
  return {
    translated(response, record) {
      if (typeof response.id !== "string") return;
      store.put({
        id: response.id,
        owner,
        provider: record.provider ?? "",
        model: record.model ?? "",
        here: { input, response, ...(previousId !== undefined ? { previousId } : {}) },
      });
    },
    passedThrough(record) {
      if (record.responseId === undefined || record.provider === undefined) return;
      store.put({ id: record.responseId, owner, provider: record.provider, model: record.model! });
    },
  };
}

/** Every item of the conversation that ended with `last`, oldest first. */
function conversationUpTo(
  last: StoredResponse,
  store: ResponsesStore,
  owner: string,
  lastId: string,
): JsonObject[] {
  const chain: StoredResponse[] = [];
  const seen = new Set<string>();
  let entry: StoredResponse | undefined = last;
  let id = lastId;
  while (entry?.here !== undefined && !seen.has(id)) {
    seen.add(id);
    chain.push(entry);
    const previousId: string | undefined = entry.here.previousId;
    if (previousId === undefined) break;
    entry = store.get(previousId, owner);
    // A link that expired breaks the chain as OpenAI's would: the turn cannot be rebuilt.
    if (entry === undefined) {
      throw new GatewayError(
        "invalid_request",
        `Previous response with id '${previousId}' not found.`,
        { param: "previous_response_id", code: "previous_response_not_found" },
      );
    }
    id = previousId;
  }
  return chain.reverse().flatMap((link) => [
    ...link.here!.input,
    ...(Array.isArray(link.here!.response.output)
      ? link.here!.response.output as JsonObject[]
      : []),
  ]);
}

/** `input` as a list of items (a string is one user message); undefined for another shape. */
function inputItems(input: unknown): unknown[] | undefined {
  if (typeof input === "string") {
    return [{ type: "message", role: "user", content: [{ type: "input_text", text: input }] }];
  }
  return Array.isArray(input) ? input : undefined;
}

function resolveItemReference(item: unknown, store: ResponsesStore, owner: string): unknown {
  if (!isObject(item) || item.type !== "item_reference" || typeof item.id !== "string") {
    return item;
  }
  return store.item(item.id, owner) ?? item;
}
