/**
 * A Responses client can only carry reasoning back to us as a `reasoning` item's
 * `encrypted_content`. Reasoning that came from another API (an Anthropic thinking signature or
 * redacted thinking, a Gemini thought signature) is wrapped into that field with a prefix, so that
 * a client which echoes its output items returns the signature unchanged on the next turn.
 */
import type { ReasoningPart } from "../unified.ts";

const SIGNATURE_PREFIX = "plexus.signature.";
const REDACTED_PREFIX = "plexus.redacted.";

/** The `encrypted_content` to show a Responses client for a reasoning part, if any. */
export function encryptedContentFor(part: ReasoningPart): string | undefined {
  if (part.encryptedContent !== undefined) return part.encryptedContent;
  if (part.signature !== undefined) return SIGNATURE_PREFIX + part.signature;
  if (part.redactedData !== undefined) return REDACTED_PREFIX + part.redactedData;
  return undefined;
}

/** The reverse of `encryptedContentFor`: which unified field an `encrypted_content` fills. */
export function reasoningFieldsFrom(
  encrypted: string,
): Pick<ReasoningPart, "signature" | "redactedData" | "encryptedContent"> {
  if (encrypted.startsWith(SIGNATURE_PREFIX)) {
    return { signature: encrypted.slice(SIGNATURE_PREFIX.length) };
  }
  if (encrypted.startsWith(REDACTED_PREFIX)) {
    return { redactedData: encrypted.slice(REDACTED_PREFIX.length) };
  }
  return { encryptedContent: encrypted };
}

export function signatureCarrier(signature: string): string {
  return SIGNATURE_PREFIX + signature;
}

export function redactedCarrier(data: string): string {
  return REDACTED_PREFIX + data;
}
