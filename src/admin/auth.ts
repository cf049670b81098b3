/**
 * Who may use admin views (`/v0/*`, `/health?detail=true`): whoever presents the configured
 * `admin_key` as `Authorization: Bearer <admin_key>` or `x-api-key: <admin_key>`. Never in the
 * query string, where it would end up in proxies' logs.
 */
import { constantTimeEqual } from "../auth/client_keys.ts";

export type AdminAccess = "granted" | "denied" | "disabled";

const encoder = new TextEncoder();

/** The admin secret a request carries, if any. */
function presentedAdminSecret(headers: Headers): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get("authorization")?.trim() ?? "");
  return bearer?.[1].trim() ?? headers.get("x-api-key") ?? undefined;
}

/** `disabled` when no admin key is configured; compares in constant time otherwise. */
export function adminAccess(adminKey: string | undefined, headers: Headers): AdminAccess {
  if (adminKey === undefined) return "disabled";
  const presented = presentedAdminSecret(headers);
  if (presented === undefined) return "denied";
  return constantTimeEqual(encoder.encode(presented), encoder.encode(adminKey))
    ? "granted"
    : "denied";
}
