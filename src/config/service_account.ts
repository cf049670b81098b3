/**
 * Reading Google credentials given as `vertex.credentials`: a file path (what
 * `GOOGLE_APPLICATION_CREDENTIALS` holds) or the JSON itself; a service-account key, or user
 * credentials (`type: authorized_user`). Messages name what is wrong and never repeat any secret.
 * Reference: cloud.google.com/iam/docs/keys-create-delete (the JSON key file: `type`,
 * `client_email`, `private_key`, `private_key_id`, `token_uri`).
 */
import { isAbsolute, resolve } from "node:path";
import type { VertexAuth } from "./clouds.ts";

export type KeyResult = { ok: true; auth: VertexAuth } | { ok: false; message: string };

/** Google's token endpoint, for keys that do not name their own. */
export const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

const PKCS8_PEM = /-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/;

export function readGoogleCredentials(credentials: string, configDir: string): KeyResult {
  const inline = credentials.trimStart().startsWith("{");
  let text = credentials;
  if (!inline) {
    const path = isAbsolute(credentials) ? credentials : resolve(configDir, credentials);
    try {
      text = Deno.readTextFileSync(path);
    } catch (error) {
      const why = error instanceof Deno.errors.NotFound
        ? "not found"
        : error instanceof Deno.errors.PermissionDenied
        ? "not readable (permission denied)"
        : "not readable";
      return { ok: false, message: `the credentials file ${path} is ${why}` };
    }
  }
  const where = inline ? "the inline credentials" : `the credentials file`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: `${where} is not valid JSON` };
  }
  return keyFromJson(parsed, where);
}

function keyFromJson(parsed: unknown, where: string): KeyResult {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: `${where} is not a JSON object` };
  }
  const json = parsed as Record<string, unknown>;
  const tokenUri = json.token_uri ?? DEFAULT_TOKEN_URI;
  if (typeof tokenUri !== "string" || !/^https?:\/\/[^/]/.test(tokenUri)) {
    return { ok: false, message: `${where} has a token_uri that is not an http(s) URL` };
  }
  if (json.type === "authorized_user") return userFromJson(json, where, tokenUri);
  if (json.type !== undefined && json.type !== "service_account") {
    return {
      ok: false,
      message: `${where} has type ${
        JSON.stringify(String(json.type))
      }; expected "service_account" (a service-account key) or "authorized_user"`,
    };
  }
  const clientEmail = json.client_email;
  if (typeof clientEmail !== "string" || clientEmail === "") {
    return { ok: false, message: `${where} has no client_email` };
  }
  const privateKey = json.private_key;
  if (typeof privateKey !== "string" || !PKCS8_PEM.test(privateKey)) {
    return {
      ok: false,
      message: `${where} has no private_key in PKCS#8 PEM form ("-----BEGIN PRIVATE KEY-----")`,
    };
  }
  const privateKeyId = typeof json.private_key_id === "string" && json.private_key_id !== ""
    ? json.private_key_id
    : undefined;
  return {
    ok: true,
    auth: { kind: "service_account", key: { clientEmail, privateKey, tokenUri, privateKeyId } },
  };
}

/** `gcloud auth application-default login` credentials: a refresh token and its OAuth client. */
function userFromJson(json: Record<string, unknown>, where: string, tokenUri: string): KeyResult {
  const missing = ["client_id", "client_secret", "refresh_token"].filter((field) =>
    typeof json[field] !== "string" || json[field] === ""
  );
  if (missing.length > 0) {
    return { ok: false, message: `${where} (authorized_user) has no ${missing.join(", ")}` };
  }
  return {
    ok: true,
    auth: {
      kind: "authorized_user",
      user: {
        clientId: json.client_id as string,
        clientSecret: json.client_secret as string,
        refreshToken: json.refresh_token as string,
        tokenUri,
      },
    },
  };
}
