/**
 * Nesting depth of parsed JSON, found without recursion: translation, schema conversion and
 * redaction recurse over client JSON, so a body nested thousands deep must be refused first.
 */

/**
 * Where `body` has arrays or objects nested more than `maxDepth` levels deep: the top-level field
 * it happens under, or `undefined` when it does not.
 */
export function tooDeepUnder(body: Record<string, unknown>, maxDepth: number): string | undefined {
  const stack: unknown[] = [];
  const depths: number[] = [];
  const fields: string[] = [];
  for (const [field, value] of Object.entries(body)) {
    stack.push(value);
    depths.push(2);
    fields.push(field);
  }
  while (stack.length > 0) {
    const item = stack.pop();
    const depth = depths.pop()!;
    const field = fields.pop()!;
    if (typeof item !== "object" || item === null) continue;
    if (depth > maxDepth) return field;
    const children = Array.isArray(item) ? item : Object.values(item);
    for (const child of children) {
      if (typeof child === "object" && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
        fields.push(field);
      }
    }
  }
  return undefined;
}
