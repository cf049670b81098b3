/**
 * A Responses client can only carry reasoning back to us as a `reasoning` item's
 * `encrypted_content`. Reasoning that came from another API (an Anthropic thinking signature or
 * redacted thinking, a Gemini thought signature) is wrapped into that field with a prefix, so that
 * a client which echoes its output items returns the signature unchanged on the next turn.
 */
import type { ReasoningPart, SignatureFamily } from "../unified.ts";

/** An Anthropic thinking signature. */
const SIGNATURE_PREFIX = "plexus.signature.";
/** A Gemini thought signature (of a thought, or of the function call that follows the item). */
const GEMINI_PREFIX = "plexus.gemini.";
const REDACTED_PREFIX = "plexus.redacted.";

/** The `encrypted_content` to show a Responses client for a reasoning part, if any. */
export function encryptedContentFor(part: ReasoningPart): string | undefined {
  if (part.encryptedContent !== undefined) return part.encryptedContent;
  if (part.signature !== undefined) return signatureCarrier(part.signature, part.family);
  if (part.redactedData !== undefined) return REDACTED_PREFIX + part.redactedData;
  return undefined;
}

/** The reverse of `encryptedContentFor`: which unified field an `encrypted_content` fills. */
export function reasoningFieldsFrom(
  encrypted: string,
): Pick<ReasoningPart, "signature" | "family" | "redactedData" | "encryptedContent"> {
  if (encrypted.startsWith(SIGNATURE_PREFIX)) {
    return { signature: encrypted.slice(SIGNATURE_PREFIX.length), family: "anthropic" };
  }
  if (encrypted.startsWith(GEMINI_PREFIX)) {
    return { signature: encrypted.slice(GEMINI_PREFIX.length), family: "gemini" };
  }
  if (encrypted.startsWith(REDACTED_PREFIX)) {
    return { redactedData: encrypted.slice(REDACTED_PREFIX.length) };
  }
  return { encryptedContent: encrypted };
}

/** A signature of unknown family is taken for Anthropic's, as before families were told apart. */
export function signatureCarrier(signature: string, family?: SignatureFamily): string {
  return (family === "gemini" ? GEMINI_PREFIX : SIGNATURE_PREFIX) + signature;
}

export function redactedCarrier(data: string): string {
  return REDACTED_PREFIX + data;
}
