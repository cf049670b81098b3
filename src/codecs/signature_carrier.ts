/**
 * A reasoning signature travels back to the provider family that made it inside whatever field
 * the client keeps (an Anthropic thinking `signature`, a Gemini `thoughtSignature`). A client of
 * another family gets it with a `plexus.<family>.` prefix, so when it comes back Plexus knows
 * whose it is: sent to that family, left out everywhere else (another family would reject it).
 */
import type { SignatureFamily } from "./unified.ts";

const CARRIED = /^plexus\.(anthropic|gemini)\.([\s\S]*)$/;

/** The signature as a client whose own provider family is `native` keeps it. */
export function carriedSignature(
  signature: string,
  family: SignatureFamily,
  native: SignatureFamily,
): string {
  return family === native ? signature : `plexus.${family}.${signature}`;
}

/** The reverse of `carriedSignature`: an unprefixed signature is the client's own family's. */
export function signatureFromCarrier(
  text: string,
  native: SignatureFamily,
): { signature: string; family: SignatureFamily } {
  const match = CARRIED.exec(text);
  if (match === null) return { signature: text, family: native };
  return { signature: match[2], family: match[1] as SignatureFamily };
}

/** Whether a reasoning signature may go to a provider of `target` family. */
export function signatureFor(
  part: { signature?: string; family?: SignatureFamily },
  target: SignatureFamily,
): string | undefined {
  if (part.signature === undefined) return undefined;
  return (part.family ?? target) === target ? part.signature : undefined;
}
