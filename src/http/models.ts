/** `GET /v1/models`: every alias and every `provider/model`, in the caller's list format. */
import type { ApiName } from "../codecs/unified.ts";
import type { Config } from "../config/types.ts";

interface ListedModel {
  id: string;
  ownedBy: string;
}

function listedModels(config: Config): ListedModel[] {
  const models: ListedModel[] = Object.keys(config.models).map((id) => ({
    id,
    ownedBy: "plexus",
  }));
  for (const provider of Object.values(config.providers)) {
    for (const model of Object.keys(provider.models)) {
      models.push({ id: `${provider.name}/${model}`, ownedBy: provider.name });
    }
  }
  return models;
}

/** OpenAI's list shape, or Anthropic's when the caller is an Anthropic client. */
export function listModels(config: Config, dialect: ApiName): unknown {
  const models = listedModels(config);
  if (dialect === "messages") {
    const createdAt = new Date(0).toISOString();
    return {
      data: models.map((m) => ({
        type: "model",
        id: m.id,
        display_name: m.id,
        created_at: createdAt,
      })),
      has_more: false,
      first_id: models[0]?.id ?? null,
      last_id: models.at(-1)?.id ?? null,
    };
  }
  return {
    object: "list",
    data: models.map((m) => ({ id: m.id, object: "model", created: 0, owned_by: m.ownedBy })),
  };
}
