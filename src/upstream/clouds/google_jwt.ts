/**
 * The signed assertion a Google service account trades for an access token: an RS256 JWT signed
 * with WebCrypto. Reference: developers.google.com/identity/protocols/oauth2/service-account
 * ("Preparing to make an authorized API call": header `{"alg":"RS256","typ":"JWT","kid"}`,
 * claims `iss`, `scope`, `aud` = the token URI, `iat`, `exp` at most one hour later).
 */
import type { ServiceAccountKey } from "../../config/clouds.ts";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** Google accepts assertions valid for at most an hour. */
const ASSERTION_LIFETIME_S = 3600;

const RS256: RsaHashedImportParams = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

/** The DER bytes inside a PKCS#8 PEM; a key in any other form is refused by `importKey`. */
function pemBody(pem: string): Uint8Array<ArrayBuffer> {
  const base64 = pem
    .replace(/-----BEGIN PRIVATE KEY-----/, "")
    .replace(/-----END PRIVATE KEY-----[\s\S]*/, "")
    .replace(/\s+/g, "");
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Throws an error whose message says what is wrong with the key, never any part of it. */
export async function importSigningKey(pem: string): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey("pkcs8", pemBody(pem), RS256, false, ["sign"]);
  } catch {
    throw new Error("the service account's private_key is not an RSA key in PKCS#8 PEM form");
  }
}

export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlJson(value: unknown): string {
  return base64Url(new TextEncoder().encode(JSON.stringify(value)));
}

/** A signed JWT asserting `key`'s identity for the cloud-platform scope, issued at `nowS`. */
export async function signAssertion(
  key: ServiceAccountKey,
  signingKey: CryptoKey,
  nowS: number,
): Promise<string> {
  const header = {
    alg: "RS256",
    typ: "JWT",
    ...(key.privateKeyId === undefined ? {} : { kid: key.privateKeyId }),
  };
  const claims = {
    iss: key.clientEmail,
    scope: CLOUD_PLATFORM_SCOPE,
    aud: key.tokenUri,
    iat: nowS,
    exp: nowS + ASSERTION_LIFETIME_S,
  };
  const unsigned = `${base64UrlJson(header)}.${base64UrlJson(claims)}`;
  const signature = await crypto.subtle.sign(
    RS256,
    signingKey,
    new TextEncoder().encode(unsigned),
  );
  return `${unsigned}.${base64Url(new Uint8Array(signature))}`;
}
