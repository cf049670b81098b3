/**
 * CORS for browser clients (`server.cors.origins`; off when absent): preflight `OPTIONS`
 * answers and the response headers, for the listed origins only. A request from any other
 * origin gets no CORS header, so the browser keeps its answer from the page. The Fetch
 * standard's CORS protocol is the reference (https://fetch.spec.whatwg.org/#http-cors-protocol).
 */

export interface CorsConfig {
  origins: string[];
}

/** Headers a browser page may read from an answer: the ones SDKs look at. */
const EXPOSED = [
  "x-request-id",
  "retry-after",
  "x-ratelimit-limit-requests",
  "x-ratelimit-remaining-requests",
  "x-ratelimit-reset-requests",
  "x-ratelimit-limit-tokens",
  "x-ratelimit-remaining-tokens",
  "x-ratelimit-reset-tokens",
].join(", ");

const METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const MAX_REQUESTED_HEADERS = 64;

export function originAllowed(cors: CorsConfig, origin: string): boolean {
  return cors.origins.includes("*") || cors.origins.includes(origin);
}

/**
 * Handles CORS around `next`: answers a preflight itself, adds the headers to the answer of an
 * allowed origin's request, and leaves everything else alone.
 */
export function withCors(
  cors: CorsConfig | undefined,
  request: Request,
  next: () => Promise<Response>,
): Promise<Response> {
  const origin = cors === undefined ? null : request.headers.get("origin");
  if (cors === undefined || origin === null) return next();
  const allowed = originAllowed(cors, origin);
  if (request.method === "OPTIONS" && request.headers.has("access-control-request-method")) {
    return Promise.resolve(preflight(allowed, origin, request.headers));
  }
  if (!allowed) return next();
  return next().then((response) => {
    const headers = response.headers;
    headers.set("access-control-allow-origin", origin);
    headers.append("vary", "Origin");
    headers.set("access-control-expose-headers", EXPOSED);
    return response;
  });
}

function preflight(allowed: boolean, origin: string, requestHeaders: Headers): Response {
  if (!allowed) {
    return new Response(
      JSON.stringify({
        error: {
          type: "permission_error",
          message: `The origin ${
            origin.slice(0, 200)
          } is not allowed: add it to server.cors.origins.`,
        },
      }),
      { status: 403, headers: { "content-type": "application/json", vary: "Origin" } },
    );
  }
  const headers = new Headers({
    "access-control-allow-origin": origin,
    "access-control-allow-methods": METHODS,
    "access-control-max-age": "600",
    vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
  });
  const asked = requestedHeaders(requestHeaders.get("access-control-request-headers"));
  if (asked !== "") headers.set("access-control-allow-headers", asked);
  return new Response(null, { status: 204, headers });
}

/** The header names the browser asked for, echoed back when each is a valid name. */
function requestedHeaders(value: string | null): string {
  if (value === null) return "";
  return value.split(",").slice(0, MAX_REQUESTED_HEADERS).map((name) => name.trim())
    .filter((name) => HEADER_NAME.test(name)).join(", ");
}
