import { emptyUsage, type Usage } from "../codecs/unified.ts";

/** Later reports override earlier ones field by field (streams send cumulative counts). */
export function mergeUsage(current: Usage | undefined, update: Partial<Usage>): Usage {
  const merged = current === undefined ? emptyUsage() : { ...current };
  for (const key of Object.keys(update) as Array<keyof Usage>) {
    const value = update[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}
