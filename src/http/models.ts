/** `GET /v1/models`: every alias and every `provider/model`, in the caller's list format. */
import type { ApiName } from "../codecs/unified.ts";
import type { Config } from "../config/types.ts";

interface ListedModel {
  id: string;
  ownedBy: string;
  embedding: boolean;
}

function listedModels(config: Config): ListedModel[] {
  const isEmbedding = (provider: string, model: string) =>
    config.providers[provider]?.models[model]?.kind === "embedding";
  // An alias serves one kind (checked when the config loads): its first target tells which.
  const models: ListedModel[] = Object.values(config.models).map((alias) => ({
    id: alias.name,
    ownedBy: "plexus",
    embedding: alias.targets.length > 0 &&
      isEmbedding(alias.targets[0].provider, alias.targets[0].model),
  }));
  for (const provider of Object.values(config.providers)) {
    for (const model of Object.keys(provider.models)) {
      models.push({
        id: `${provider.name}/${model}`,
        ownedBy: provider.name,
        embedding: isEmbedding(provider.name, model),
      });
    }
  }
  return models;
}

const GENERATION_METHODS = ["generateContent", "streamGenerateContent", "countTokens"];
const EMBEDDING_METHODS = ["embedContent", "batchEmbedContents"];

/**
 * One model as both OpenAI and Anthropic describe it: the fields do not clash, so any client of
 * either reads its own, whichever headers it sent. Gemini's shape differs and stands alone.
 */
function modelObject(model: ListedModel, dialect: ApiName): Record<string, unknown> {
  if (dialect === "gemini") {
    return {
      name: `models/${model.id}`,
      displayName: model.id,
      supportedGenerationMethods: model.embedding ? EMBEDDING_METHODS : GENERATION_METHODS,
    };
  }
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

/** The OpenAI list (with Anthropic's paging fields), or Gemini's `models.list` for Gemini callers. */
export function listModels(config: Config, dialect: ApiName): unknown {
  const models = listedModels(config);
  const data = models.map((m) => modelObject(m, dialect));
  if (dialect === "gemini") return { models: data };
  return {
    object: "list",
    data,
    has_more: false,
    first_id: models[0]?.id ?? null,
    last_id: models.at(-1)?.id ?? null,
  };
}

/** `GET /v1/models/{id}` (OpenAI "Retrieve model", Anthropic "Get a Model"); undefined if unknown. */
export function retrieveModel(config: Config, id: string, dialect: ApiName): unknown {
  const model = listedModels(config).find((m) => m.id === id);
  return model === undefined ? undefined : modelObject(model, dialect);
}
