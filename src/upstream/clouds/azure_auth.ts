/**
 * Microsoft Entra ID tokens for Azure OpenAI from an application's client credentials.
 * Reference: learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * ("First case: Access token request with a shared secret": POST
 * {authority}/{tenant}/oauth2/v2.0/token, form `grant_type=client_credentials`, `client_id`,
 * `client_secret`, `scope`); Azure OpenAI's scope is
 * `https://cognitiveservices.azure.com/.default` (Azure OpenAI, "Microsoft Entra ID auth").
 */
import type { EntraClientCredentials } from "../../config/clouds.ts";
import { postTokenForm, TokenCache } from "./token_cache.ts";

export const COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";

/** One cache per application, shared by every provider that uses it. */
const caches = new Map<string, TokenCache>();

export function entraTokensFor(app: EntraClientCredentials): TokenCache {
  const url = `${app.authorityHost}/${encodeURIComponent(app.tenantId)}/oauth2/v2.0/token`;
  const identity = `${url}\n${app.clientId}\n${app.clientSecret}`;
  let cache = caches.get(identity);
  if (cache === undefined) {
    const form = {
      grant_type: "client_credentials",
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: COGNITIVE_SERVICES_SCOPE,
    };
    cache = new TokenCache(
      (send, signal) => postTokenForm(send, url, form, signal),
      `Azure OpenAI Entra token for application ${app.clientId} from ${url}`,
      [app.clientSecret],
    );
    caches.set(identity, cache);
  }
  return cache;
}
