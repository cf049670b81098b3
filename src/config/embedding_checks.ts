/**
 * Checks for models marked `kind: embedding`: their provider's API must have an embeddings
 * endpoint, and an alias serves one kind (a chat request must never fall back to an embedding
 * model, nor the other way round).
 */
import { EMBEDDING_CODECS } from "../codecs/embeddings_registry.ts";
import type { ApiName } from "../codecs/registry.ts";
import type { IssueProblem } from "./issues.ts";

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(providers: Mapping, provider: unknown, model: unknown): string | undefined {
  if (typeof provider !== "string" || typeof model !== "string") return undefined;
  const entry = providers[provider];
  const models = isMapping(entry) && isMapping(entry.models) ? entry.models : undefined;
  if (models === undefined || !(model in models)) return undefined;
  const settings = models[model];
  return isMapping(settings) && settings.kind === "embedding" ? "embedding" : "generation";
}

export function checkEmbeddingKinds(providers: Mapping, aliases: Mapping): IssueProblem[] {
  const problems: IssueProblem[] = [];
  const embedders = Object.keys(EMBEDDING_CODECS).join(", ");
  for (const [name, provider] of Object.entries(providers)) {
    if (!isMapping(provider) || !isMapping(provider.models)) continue;
    const api = provider.api as ApiName;
    if (typeof api !== "string" || EMBEDDING_CODECS[api] !== undefined) continue;
    for (const [model, settings] of Object.entries(provider.models)) {
      if (!isMapping(settings) || settings.kind !== "embedding") continue;
      problems.push({
        path: ["providers", name, "models", model, "kind"],
        at: "value",
        message: `api ${
          JSON.stringify(api)
        } has no embeddings endpoint; expected a provider whose api is one of: ${embedders}`,
      });
    }
  }
  for (const [aliasName, alias] of Object.entries(aliases)) {
    if (!isMapping(alias) || !Array.isArray(alias.targets)) continue;
    let first: string | undefined;
    alias.targets.forEach((target: unknown, index: number) => {
      if (!isMapping(target)) return;
      const kind = kindOf(providers, target.provider, target.model);
      if (kind === undefined) return;
      if (first === undefined) first = kind;
      else if (kind !== first) {
        problems.push({
          path: ["models", aliasName, "targets", index, "model"],
          at: "value",
          message: `an alias serves one kind of model: this target is a ${kind} model, the ` +
            `earlier ones are ${first} models`,
        });
      }
    });
  }
  return problems;
}
