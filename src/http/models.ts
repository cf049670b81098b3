/**
 * `GET /v1/models` and `GET /v1/models/{id}`: every alias and `provider/model` a request could
 * reach (enabled providers, aliases with an enabled target), in the caller's model-list format
 * (`ClientDialect.models`).
 */
import type { ListedModel, ModelListFormat } from "../codecs/codec.ts";
import type { Config } from "../config/types.ts";

function listedModels(config: Config): ListedModel[] {
  const isEmbedding = (provider: string, model: string) =>
    config.providers[provider]?.models[model]?.kind === "embedding";
  // An alias serves one kind (checked when the config loads): its first target tells which.
  // Only what a request could reach: aliases with an enabled target, enabled providers' models.
  const reachable = Object.values(config.models).filter((alias) =>
    alias.targets.some((target) => target.enabled && config.providers[target.provider]?.enabled)
  );
  const models: ListedModel[] = reachable.map((alias) => ({
    id: alias.name,
    ownedBy: "plexus",
    embedding: alias.targets.length > 0 &&
      isEmbedding(alias.targets[0].provider, alias.targets[0].model),
  }));
  for (const provider of Object.values(config.providers)) {
    if (!provider.enabled) continue;
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

/** Every model in the caller's list format; a key with a scope sees only the models it may use. */
export function listModels(
  config: Config,
  format: ModelListFormat,
  allows: (model: string) => boolean = () => true,
): unknown {
  return format.list(listedModels(config).filter((m) => allows(m.id)));
}

/** One model (OpenAI "Retrieve model", Anthropic "Get a Model"); undefined if unknown or hidden. */
export function retrieveModel(
  config: Config,
  id: string,
  format: ModelListFormat,
  allows: (model: string) => boolean = () => true,
): unknown {
  const model = listedModels(config).find((m) => m.id === id && allows(m.id));
  return model === undefined ? undefined : format.one(model);
}
