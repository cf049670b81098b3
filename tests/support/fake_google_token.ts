/**
 * A fake Google OAuth token endpoint and a service-account key for it, made in the test with
 * WebCrypto. The endpoint checks what Google documents
 * (developers.google.com/identity/protocols/oauth2/service-account, "Making the access token
 * request"): a form POST with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and an
 * `assertion` that is an RS256 JWT signed by the key, whose `iss` is the key's `client_email`,
 * `aud` the token URI, `scope` the cloud-platform scope, and `exp` at most an hour after `iat`.
 */
import { type CloudFake, type CloudRequest, startCloudFake } from "./cloud_fake_server.ts";

const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

export interface TestServiceAccount {
  /** The JSON key file as Google issues it. */
  json: Record<string, string>;
  publicKey: CryptoKey;
}

function pemOf(der: ArrayBuffer): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

export async function makeServiceAccount(tokenUri: string): Promise<TestServiceAccount> {
  const pair = await crypto.subtle.generateKey(
    { ...RS256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  );
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", pair.privateKey);
  return {
    publicKey: pair.publicKey,
    json: {
      type: "service_account",
      project_id: "plexus-test",
      private_key_id: "0123456789abcdef0123456789abcdef01234567",
      private_key: pemOf(pkcs8),
      client_email: "plexus@plexus-test.iam.gserviceaccount.com",
      client_id: "100000000000000000001",
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: tokenUri,
    },
  };
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - base64.length % 4) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function decodePart(text: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(fromBase64Url(text)));
}

export interface FakeTokenEndpoint {
  /** The token URI to put in the key. */
  readonly tokenUri: string;
  readonly requests: CloudRequest[];
  /** Assertions that passed every check, with their claims. */
  readonly grants: Array<{ header: Record<string, unknown>; claims: Record<string, unknown> }>;
  /** Whether `token` was issued here and has not expired. */
  isValid(token: string): boolean;
  /** Set the key whose signature is accepted (after the key was made with `tokenUri`). */
  trust(account: TestServiceAccount): void;
  /** User credentials (`authorized_user`) whose refresh token is accepted. */
  user: { client_id: string; client_secret: string; refresh_token: string } | undefined;
  /** Lifetime of the next tokens, in seconds (Google: 3599). */
  expiresIn: number;
  /** Answer every exchange with this status and OAuth error until cleared. */
  failWith: { status: number; error: string; description: string } | undefined;
  close(): Promise<void>;
}

export function startFakeTokenEndpoint(): FakeTokenEndpoint {
  const issued = new Map<string, number>();
  const grants: FakeTokenEndpoint["grants"] = [];
  let account: TestServiceAccount | undefined;
  const oauthError = (status: number, error: string, description: string) => ({
    status,
    body: { error, error_description: description },
  });
  const fake: CloudFake = startCloudFake(async (request) => {
    if (request.method !== "POST" || request.path !== "/token") {
      return oauthError(404, "not_found", "no such endpoint");
    }
    if (!request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) {
      return oauthError(400, "invalid_request", "expected a form body");
    }
    const form = new URLSearchParams(request.rawBody);
    if (form.get("grant_type") === "refresh_token") {
      // developers.google.com/identity/protocols/oauth2/web-server, "Refreshing an access token".
      const user = endpoint.user;
      if (
        user === undefined || form.get("client_id") !== user.client_id ||
        form.get("client_secret") !== user.client_secret
      ) {
        return oauthError(401, "invalid_client", "The OAuth client was not found.");
      }
      if (form.get("refresh_token") !== user.refresh_token) {
        return oauthError(400, "invalid_grant", "Token has been expired or revoked.");
      }
      grants.push({ header: {}, claims: { refresh: true } });
    } else if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      return oauthError(400, "unsupported_grant_type", "Invalid grant_type");
    } else {
      const problem = await checkAssertion(form.get("assertion") ?? "", account, endpoint.tokenUri);
      if (typeof problem === "string") return oauthError(400, "invalid_grant", problem);
      grants.push(problem);
    }
    if (endpoint.failWith !== undefined) {
      const { status, error, description } = endpoint.failWith;
      return oauthError(status, error, description);
    }
    const token = `ya29.fake-${crypto.randomUUID()}`;
    issued.set(token, Date.now() + endpoint.expiresIn * 1000);
    return {
      status: 200,
      body: { access_token: token, expires_in: endpoint.expiresIn, token_type: "Bearer" },
    };
  });
  const endpoint: FakeTokenEndpoint = {
    get tokenUri() {
      return `${fake.url}/token`;
    },
    get requests() {
      return fake.requests;
    },
    grants,
    isValid: (token) => (issued.get(token) ?? 0) > Date.now(),
    trust: (trusted) => (account = trusted),
    user: undefined,
    expiresIn: 3599,
    failWith: undefined,
    close: () => fake.close(),
  };
  return endpoint;
}

/** The decoded assertion when it is valid, else what Google would say about it. */
async function checkAssertion(
  assertion: string,
  account: TestServiceAccount | undefined,
  tokenUri: string,
): Promise<string | { header: Record<string, unknown>; claims: Record<string, unknown> }> {
  const parts = assertion.split(".");
  if (parts.length !== 3 || account === undefined) return "Invalid JWT";
  const [headerPart, claimsPart, signaturePart] = parts;
  const signed = new TextEncoder().encode(`${headerPart}.${claimsPart}`);
  const valid = await crypto.subtle.verify(
    RS256,
    account.publicKey,
    fromBase64Url(signaturePart),
    signed,
  );
  if (!valid) return "Invalid JWT Signature.";
  const header = decodePart(headerPart);
  const claims = decodePart(claimsPart);
  if (header.alg !== "RS256" || header.typ !== "JWT") return "Invalid JWT header";
  if (header.kid !== undefined && header.kid !== account.json.private_key_id) {
    return "Invalid key id";
  }
  const now = Date.now() / 1000;
  const iat = Number(claims.iat);
  const exp = Number(claims.exp);
  if (claims.iss !== account.json.client_email) return "Invalid issuer";
  if (claims.aud !== tokenUri) return "Invalid JWT: audience does not match the token URI";
  if (String(claims.scope).split(" ").indexOf(CLOUD_PLATFORM) === -1) return "Invalid scope";
  if (!(Math.abs(iat - now) < 300) || !(exp > iat && exp - iat <= 3600)) {
    return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe";
  }
  return { header, claims };
}
