/**
 * The one client-key check of every `/v1` endpoint (generation, token counting, embeddings,
 * model lists): the key where the caller's API puts it, matched against the configured keys.
 */
import { presentedSecret } from "../auth/client_keys.ts";
import type { InboundCodec } from "../codecs/codec.ts";
import { GatewayError } from "../codecs/unified.ts";
import type { Gateway } from "./gateway.ts";

export type KeyCheck = { ok: true; key?: string } | { ok: false; error: GatewayError };

const DENIED: KeyCheck = {
  ok: false,
  error: new GatewayError(
    "authentication",
    "Invalid or missing API key. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.",
    { code: "invalid_api_key" },
  ),
};

/**
 * The name of the caller's key, or the error to answer. Synchronous unless the key store is
 * (Redis), so the common path costs no extra turn of the event loop.
 */
export function checkClientKey(
  gw: Gateway,
  request: Request,
  url: URL,
  dialect: InboundCodec,
): KeyCheck | Promise<KeyCheck> {
  if (gw.config.allowNoAuth) return { ok: true };
  const secret = presentedSecret(request.headers, url, dialect.recognise.keyPlaces);
  const found = gw.keys.identify(secret);
  if (found instanceof Promise) return found.then(checked);
  return checked(found);
}

function checked(key: string | undefined): KeyCheck {
  return key === undefined ? DENIED : { ok: true, key };
}
