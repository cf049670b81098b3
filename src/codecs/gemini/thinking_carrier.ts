/**
 * Anthropic thinking in a Gemini client's hands. Gemini clients keep a `thoughtSignature` on the
 * part it came with and may drop thought parts from their history (Gemini's "Thought signatures"
 * guide: the signature of a function-calling turn is on its first `functionCall` part, and
 * that is what must come back). Anthropic, though, needs the whole thinking block back (text and
 * signature) to continue a tool loop with thinking on. So Plexus packs both into the signature it
 * gives a Gemini client, and unpacks them when the client sends the part back.
 */
const PREFIX = "plexus.anthropic-thinking.";

export function packAnthropicThinking(thinking: string, signature: string): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ thinking, signature }));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return PREFIX + btoa(binary);
}

/** The thinking block packed in a signature, or undefined for any other signature. */
export function unpackAnthropicThinking(
  signature: string,
): { thinking: string; signature: string } | undefined {
  if (!signature.startsWith(PREFIX)) return undefined;
  try {
    const binary = atob(signature.slice(PREFIX.length));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { thinking, signature: inner } = parsed as Record<string, unknown>;
    if (typeof thinking !== "string" || typeof inner !== "string") return undefined;
    return { thinking, signature: inner };
  } catch {
    // Not ours after all (or damaged): nothing to give back, so it is left out.
    return undefined;
  }
}
