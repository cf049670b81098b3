/**
 * AWS Signature Version 4 with WebCrypto (AWS IAM User Guide, "Create a signed AWS API
 * request": canonical request, string to sign, signing key, signature). Checked against AWS's
 * published SigV4 test suite (`tests/fixtures/sigv4/`).
 */

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials: sent and signed as `x-amz-security-token`. */
  sessionToken?: string;
}

export interface RequestToSign {
  method: string;
  /** The path exactly as it goes on the request line (percent-encoded where the URL needs it). */
  path: string;
  /** The query string without its `?`; `""` for none. */
  query: string;
  /** Every header to sign, `host` included; a name may repeat. */
  headers: ReadonlyArray<readonly [string, string]>;
  body: string | Uint8Array;
}

export interface SigningOptions {
  region: string;
  service: string;
  /**
   * Remove `.`/`..` and empty path segments first. True for every service but S3 ("Create a
   * canonical request": "Normalize URI paths according to RFC 3986").
   */
  normalizePath?: boolean;
  /** Also send and sign `x-amz-content-sha256` (S3 wants it; Bedrock does not). */
  signBody?: boolean;
}

export interface Signature {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  /** Headers to add to the request: `x-amz-date`, the token, and `authorization`. */
  headers: Array<[string, string]>;
}

const encoder = new TextEncoder();
const ALGORITHM = "AWS4-HMAC-SHA256";

/** Signs one request at `now`; the signing key is derived per call (see `SigV4Signer`). */
export async function signRequest(
  request: RequestToSign,
  credentials: AwsCredentials,
  options: SigningOptions,
  now: Date,
  signingKey?: CryptoKey,
): Promise<Signature> {
  const amzDate = amzDateOf(now);
  const date = amzDate.slice(0, 8);
  const payloadHash = await sha256Hex(request.body);
  const added: Array<[string, string]> = [["x-amz-date", amzDate]];
  if (options.signBody === true) added.push(["x-amz-content-sha256", payloadHash]);
  if (credentials.sessionToken !== undefined && credentials.sessionToken !== "") {
    added.push(["x-amz-security-token", credentials.sessionToken]);
  }
  const { canonical, signedHeaders } = canonicalHeaders([...request.headers, ...added]);
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(request.path, options.normalizePath ?? true),
    canonicalQuery(request.query),
    canonical,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date}/${options.region}/${options.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, await sha256Hex(canonicalRequest)].join("\n");
  const key = signingKey ??
    await deriveSigningKey(credentials.secretAccessKey, date, options.region, options.service);
  const signature = toHex(await hmac(key, stringToSign));
  const authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return {
    canonicalRequest,
    stringToSign,
    signature,
    headers: [...added, ["authorization", authorization]],
  };
}

/**
 * Signs with one set of credentials, keeping the derived signing key for the day it is valid
 * (it depends only on the secret, the date, the region and the service).
 */
export class SigV4Signer {
  readonly #credentials: AwsCredentials;
  readonly #options: SigningOptions;
  #key: { date: string; key: Promise<CryptoKey> } | undefined;

  constructor(credentials: AwsCredentials, options: SigningOptions) {
    this.#credentials = credentials;
    this.#options = options;
  }

  async sign(request: RequestToSign, now: Date): Promise<Signature> {
    const date = amzDateOf(now).slice(0, 8);
    if (this.#key?.date !== date) {
      const { region, service } = this.#options;
      const key = deriveSigningKey(this.#credentials.secretAccessKey, date, region, service);
      this.#key = { date, key };
      key.catch(() => {
        if (this.#key?.key === key) this.#key = undefined;
      });
    }
    return signRequest(request, this.#credentials, this.#options, now, await this.#key.key);
  }
}

/** `YYYYMMDD'T'HHMMSS'Z'` in UTC. */
export function amzDateOf(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/**
 * Each path segment URI-encoded ("Create a canonical request", CanonicalURI). The path given is
 * the one on the wire, so a model id's `:` sent as `%3A` is signed as `%253A`: for every service
 * but S3 the path is encoded twice, once for the URL and once here.
 */
export function canonicalUri(path: string, normalize: boolean): string {
  const raw = path === "" ? "/" : path;
  const segments = normalize ? normalizedSegments(raw) : raw.split("/").slice(1);
  return "/" + segments.map(uriEncode).join("/");
}

/** RFC 3986 section 5.2.4 dot-segment removal, and no empty segments (`//`). */
function normalizedSegments(path: string): string[] {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  if (out.length > 0 && (path.endsWith("/") || path.endsWith("/.") || path.endsWith("/.."))) {
    out.push("");
  }
  return out;
}

/** Query parameters decoded, re-encoded, and sorted by name then value. */
function canonicalQuery(query: string): string {
  if (query === "") return "";
  const pairs = query.split("&").filter((part) => part !== "").map((part) => {
    const eq = part.indexOf("=");
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? "" : part.slice(eq + 1);
    return [uriEncode(safeDecode(name)), uriEncode(safeDecode(value))] as const;
  });
  pairs.sort(([a, av], [b, bv]) => a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0);
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Lower-case names, sorted; values trimmed with inner whitespace runs as one space. */
function canonicalHeaders(
  headers: ReadonlyArray<readonly [string, string]>,
): { canonical: string; signedHeaders: string } {
  const byName = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const values = byName.get(key) ?? [];
    values.push(value.trim().replace(/\s+/g, " "));
    byName.set(key, values);
  }
  const names = [...byName.keys()].sort();
  const canonical = names.map((name) => `${name}:${byName.get(name)!.join(",")}\n`).join("");
  return { canonical, signedHeaders: names.join(";") };
}

/** RFC 3986 encoding: everything but `A-Z a-z 0-9 - _ . ~`, as upper-case `%XX` of UTF-8. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (ch) => "%" + ch.charCodeAt(0).toString(16).toUpperCase(),
  );
}

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return toHex(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

async function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    secret as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

async function hmac(key: CryptoKey, data: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data)));
}

/** kSecret -> kDate -> kRegion -> kService -> kSigning ("Derive a signing key"). */
export async function deriveSigningKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
): Promise<CryptoKey> {
  let key = await hmacKey(encoder.encode(`AWS4${secretAccessKey}`));
  for (const part of [date, region, service, "aws4_request"]) {
    key = await hmacKey(await hmac(key, part));
  }
  return key;
}

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = "";
  for (const byte of view) out += byte.toString(16).padStart(2, "0");
  return out;
}
