/**
 * Nesting depth of parsed JSON, found without recursion: translation, schema conversion and
 * redaction recurse over client JSON, so a body nested thousands deep must be refused first.
 */

/** Whether `value` has arrays or objects nested more than `maxDepth` levels deep. */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const item = stack.pop();
    const depth = depths.pop()!;
    if (typeof item !== "object" || item === null) continue;
    if (depth > maxDepth) return true;
    const children = Array.isArray(item) ? item : Object.values(item);
    for (const child of children) {
      if (typeof child === "object" && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
