/**
 * Checks that need more than one part of the file: targets point at listed provider models, key
 * secrets are unique, names do not clash with the `provider/model` form. They read the raw data
 * defensively, so they still run (and report) when other parts of the file are malformed.
 */
import { checkEmbeddingKinds } from "./embedding_checks.ts";
import { didYouMean, type KeyPath } from "./errors.ts";
import type { IssueProblem } from "./issues.ts";
import type { UnsetReference } from "./source.ts";

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mappingAt(root: Mapping, key: string): Mapping {
  const value = root[key];
  return isMapping(value) ? value : {};
}

export function checkReferences(data: unknown, unset: readonly UnsetReference[]): IssueProblem[] {
  if (!isMapping(data)) return [];
  const providers = mappingAt(data, "providers");
  const aliases = mappingAt(data, "models");
  return [
    ...checkNames(providers, aliases),
    ...checkTargets(providers, aliases),
    ...checkKeys(data.keys, unset),
    ...checkCooldown(mappingAt(data, "cooldown")),
    ...checkEmbeddingKinds(providers, aliases),
  ];
}

function checkNames(providers: Mapping, aliases: Mapping): IssueProblem[] {
  const problems: IssueProblem[] = [];
  for (const name of Object.keys(providers)) {
    if (name.includes("/")) {
      problems.push({
        path: ["providers", name],
        at: "key",
        message: `provider names cannot contain "/" (it separates provider and model)`,
      });
    }
  }
  for (const name of Object.keys(aliases)) {
    if (!name.includes("/")) continue;
    const [provider, ...rest] = name.split("/");
    const model = rest.join("/");
    const clash = isMapping(providers[provider]) &&
        model in mappingAt(providers[provider] as Mapping, "models")
      ? ` and ${JSON.stringify(name)} already means model ${JSON.stringify(model)} of provider ${
        JSON.stringify(provider)
      }`
      : "";
    problems.push({
      path: ["models", name],
      at: "key",
      message:
        `alias names cannot contain "/": clients use "provider/model" to name a model directly${clash}`,
    });
  }
  return problems;
}

function checkTargets(providers: Mapping, aliases: Mapping): IssueProblem[] {
  const problems: IssueProblem[] = [];
  const providerNames = Object.keys(providers);
  for (const [aliasName, alias] of Object.entries(aliases)) {
    if (!isMapping(alias) || !Array.isArray(alias.targets)) continue;
    alias.targets.forEach((target: unknown, index: number) => {
      if (!isMapping(target) || typeof target.provider !== "string") return;
      const path: KeyPath = ["models", aliasName, "targets", index];
      const provider = providers[target.provider];
      if (!isMapping(provider)) {
        problems.push({
          path: [...path, "provider"],
          at: "value",
          message: `unknown provider ${JSON.stringify(target.provider)}${
            didYouMean(target.provider, providerNames)
          }; expected one of: ${providerNames.join(", ") || "(no providers defined)"}`,
        });
        return;
      }
      if (typeof target.model !== "string") return;
      const listed = Object.keys(mappingAt(provider, "models"));
      if (!listed.includes(target.model)) {
        problems.push({
          path: [...path, "model"],
          at: "value",
          message: `provider ${JSON.stringify(target.provider)} does not list model ${
            JSON.stringify(target.model)
          }${didYouMean(target.model, listed)}; listed: ${listed.join(", ") || "(none)"}`,
        });
      }
    });
  }
  return problems;
}

function checkKeys(keys: unknown, unset: readonly UnsetReference[]): IssueProblem[] {
  if (!Array.isArray(keys)) return [];
  const isUnset = (index: number) =>
    unset.some((reference) =>
      reference.path.length === 3 && reference.path[0] === "keys" &&
      reference.path[1] === index && reference.path[2] === "secret"
    );
  const problems: IssueProblem[] = [];
  const firstBySecret = new Map<string, number>();
  const firstByName = new Map<string, number>();
  keys.forEach((key: unknown, index: number) => {
    if (!isMapping(key)) return;
    if (typeof key.name === "string") {
      const earlier = firstByName.get(key.name);
      if (earlier !== undefined) {
        problems.push({
          path: ["keys", index, "name"],
          at: "value",
          message: `duplicate key name ${
            JSON.stringify(key.name)
          } (also keys[${earlier}]); names must be unique`,
        });
      } else firstByName.set(key.name, index);
    }
    if (typeof key.secret !== "string" || isUnset(index)) return;
    const earlier = firstBySecret.get(key.secret);
    if (earlier !== undefined) {
      // Never echo the secret itself.
      problems.push({
        path: ["keys", index, "secret"],
        at: "value",
        message:
          `duplicate secret: the value is the same as keys[${earlier}].secret; every key needs its own secret`,
      });
    } else firstBySecret.set(key.secret, index);
  });
  return problems;
}

function checkCooldown(cooldown: Mapping): IssueProblem[] {
  const { base_ms: base, max_ms: max } = cooldown;
  if (typeof base !== "number" || typeof max !== "number" || max >= base) return [];
  return [{
    path: ["cooldown", "max_ms"],
    at: "value",
    message: `expected a number >= base_ms (${base}), found the number ${max}`,
  }];
}
