/** Which models a key may use: alias names (or `provider/model`) with `*` as a wildcard. */

/** undefined means every model. */
export type ModelScope = ((model: string) => boolean) | undefined;

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "s");
}

export function compileScope(models: readonly string[] | undefined): ModelScope {
  if (models === undefined) return undefined;
  const exact = new Set(models.filter((model) => !model.includes("*")));
  const globs = models.filter((model) => model.includes("*")).map(globToRegExp);
  return (model) => exact.has(model) || globs.some((glob) => glob.test(model));
}
