/**
 * OAuth access tokens for Vertex AI.
 * - A service-account key: sign an assertion (`google_jwt.ts`) and exchange it at the key's
 *   `token_uri`. Reference: developers.google.com/identity/protocols/oauth2/service-account
 *   ("Making the access token request": POST form
 *   `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=...`).
 * - User credentials (`gcloud auth application-default login` writes them): exchange the refresh
 *   token. Reference: developers.google.com/identity/protocols/oauth2/web-server ("Refreshing an
 *   access token": `grant_type=refresh_token`, `client_id`, `client_secret`, `refresh_token`).
 * Both answer `{"access_token","expires_in","token_type"}`; `token_cache.ts` keeps the token.
 */
import type { GoogleUserCredentials, ServiceAccountKey } from "../../config/clouds.ts";
import type { SendUpstream } from "../types.ts";
import { importSigningKey, signAssertion } from "./google_jwt.ts";
import { CredentialError, postTokenForm, secretParts, TokenCache } from "./token_cache.ts";

const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

function serviceAccountTokens(key: ServiceAccountKey): TokenCache {
  let signingKey: Promise<CryptoKey> | undefined;
  const exchange = async (send: SendUpstream, signal: AbortSignal) => {
    signingKey ??= importSigningKey(key.privateKey);
    const signer = await signingKey.catch((error: Error) => {
      signingKey = undefined;
      throw new CredentialError(error.message);
    });
    const assertion = await signAssertion(key, signer, Math.floor(Date.now() / 1000));
    return await postTokenForm(
      send,
      key.tokenUri,
      { grant_type: JWT_BEARER_GRANT, assertion },
      signal,
    );
  };
  return new TokenCache(
    exchange,
    `Vertex AI access token for ${key.clientEmail} from ${key.tokenUri}`,
    secretParts(key.privateKey),
  );
}

function userTokens(user: GoogleUserCredentials): TokenCache {
  const form = {
    grant_type: "refresh_token",
    client_id: user.clientId,
    client_secret: user.clientSecret,
    refresh_token: user.refreshToken,
  };
  return new TokenCache(
    (send, signal) => postTokenForm(send, user.tokenUri, form, signal),
    `Vertex AI access token for user credentials (client ${user.clientId}) from ${user.tokenUri}`,
    [user.clientSecret, user.refreshToken],
  );
}

/**
 * One token cache per credential, shared by every provider that uses it (read from a file by one
 * and inline by another, say). Keyed in memory only; bounded by the config.
 */
const caches = new Map<string, TokenCache>();

export function googleTokensFor(
  credential: { kind: "service_account"; key: ServiceAccountKey } | {
    kind: "authorized_user";
    user: GoogleUserCredentials;
  },
): TokenCache {
  const identity = credential.kind === "service_account"
    ? `sa\n${credential.key.clientEmail}\n${credential.key.tokenUri}\n${credential.key.privateKey}`
    : `user\n${credential.user.clientId}\n${credential.user.tokenUri}\n${credential.user.refreshToken}`;
  let cache = caches.get(identity);
  if (cache === undefined) {
    cache = credential.kind === "service_account"
      ? serviceAccountTokens(credential.key)
      : userTokens(credential.user);
    caches.set(identity, cache);
  }
  return cache;
}
