/**
 * The model list OpenAI and Anthropic clients read (chat, messages and Responses callers).
 * One object carries both APIs' fields, which do not clash, so a client of either reads its own
 * whichever headers it sent: OpenAI "List models" / "Retrieve model" (`object`, `created`,
 * `owned_by`) and Anthropic "List Models" / "Get a Model" (`type`, `display_name`,
 * `created_at`, and the paging fields `has_more`, `first_id`, `last_id`).
 */
import type { ListedModel, ModelListFormat } from "./codec.ts";

function modelObject(model: ListedModel): Record<string, unknown> {
  return {
    id: model.id,
    object: "model",
    created: 0,
    owned_by: model.ownedBy,
    type: "model",
    display_name: model.id,
    created_at: new Date(0).toISOString(),
  };
}

export const OPENAI_MODEL_LIST: ModelListFormat = {
  listPaths: [],
  list: (models) => ({
    object: "list",
    data: models.map(modelObject),
    has_more: false,
    first_id: models[0]?.id ?? null,
    last_id: models.at(-1)?.id ?? null,
  }),
  one: modelObject,
};
