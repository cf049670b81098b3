/**
 * Removes secrets from logged bodies: every configured secret (client keys, provider keys and
 * headers, the admin key) wherever it appears in a string, and any field whose name says it
 * holds a credential.
 */
import { REDACTED, redactText } from "../auth/secrets.ts";

export { configuredSecrets, REDACTED } from "../auth/secrets.ts";

const CREDENTIAL_FIELD =
  /^(api[_-]?key|x-api-key|x-goog-api-key|authorization|password|secret|client[_-]?secret|access[_-]?token|refresh[_-]?token|bearer)$/i;

/**
 * A copy of `value` with secrets removed. Iterative, not recursive: the value may be nested as
 * deep as its sender liked, and a stack overflow here must not be possible.
 */
export function redact(value: unknown, secrets: readonly string[]): unknown {
  const root: { value: unknown } = { value };
  const work: Array<{ from: unknown; into: Record<string, unknown> | unknown[]; key: string }> = [
    { from: value, into: root as unknown as Record<string, unknown>, key: "value" },
  ];
  while (work.length > 0) {
    const { from, into, key } = work.pop()!;
    const target = into as Record<string, unknown>;
    if (typeof from === "string") target[key] = redactText(from, secrets);
    else if (Array.isArray(from)) {
      const copy: unknown[] = new Array(from.length);
      target[key] = copy;
      from.forEach((item, index) => work.push({ from: item, into: copy, key: String(index) }));
    } else if (typeof from === "object" && from !== null) {
      // Null prototype: a key named `__proto__` stays a key.
      const copy: Record<string, unknown> = Object.create(null);
      target[key] = copy;
      for (const [name, item] of Object.entries(from)) {
        if (CREDENTIAL_FIELD.test(name)) copy[name] = REDACTED;
        else work.push({ from: item, into: copy, key: name });
      }
    } else target[key] = from;
  }
  return root.value;
}
