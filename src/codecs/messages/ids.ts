/**
 * Tool-call ids as Anthropic accepts them.
 * Messages API "tool_use" block: `id` must match `^[a-zA-Z0-9_-]+$`.
 */

const INVALID_ID_CHARACTER = /[^a-zA-Z0-9_-]/g;

/**
 * One deterministic mapping, applied to every `tool_use.id` and `tool_result.tool_use_id`, so a
 * call and its result still match after the rewrite however the conversation is split.
 */
export function sanitizeToolId(id: string): string {
  if (id === "") return "_";
  return id.replace(INVALID_ID_CHARACTER, "_");
}

/**
 * Message ids as Anthropic writes them (`msg_...`). An answer from another API keeps its own id
 * behind the prefix; one without an id takes the gateway request id.
 */
export function messageId(id: string, requestId: string): string {
  const raw = id === "" ? requestId : id;
  return raw.startsWith("msg_") ? raw : `msg_${raw}`;
}
