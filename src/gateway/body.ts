/** Reads a JSON request body within the size limit and the nesting limit. */
import { GatewayError, invalidRequest } from "../codecs/unified.ts";
import { ClientAbortedError } from "../upstream/call.ts";
import { concatBytes } from "../wire/bytes.ts";
import { duplicateTopLevelKey } from "./duplicate_keys.ts";
import { tooDeepUnder } from "./json_depth.ts";

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    "request_too_large",
    `Request body is larger than the limit of ${maxBytes} bytes.`,
  );
}

/**
 * Declared lengths up to this are read natively in one go; a larger declared length is only a
 * claim, so its body is read as it arrives rather than into a buffer allocated for the claim.
 */
const READ_WHOLE_UP_TO = 64 * 1024;

export async function readJsonBody(
  request: Request,
  maxBytes: number,
  maxDepth: number,
): Promise<unknown> {
  requireJsonContentType(request.headers.get("content-type"));
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  // Touching `request.body` first would make a small sized body a stream, read chunk by chunk.
  if (declared !== null && Number(declared) <= READ_WHOLE_UP_TO) {
    return parseJsonObject(await request.text().catch(hungUp), maxDepth);
  }
  if (request.body === null) throw invalidRequest("Request body is empty: expected a JSON object.");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read().catch(hungUp);
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = chunks.length === 1 ? chunks[0] : concatBytes(chunks);
  return parseJsonObject(new TextDecoder().decode(bytes), maxDepth);
}

/**
 * A JSON body must say so. Besides catching mistakes, this makes a cross-site POST from a web
 * page need a CORS preflight (which Plexus never grants): `text/plain` forms need none.
 */
function requireJsonContentType(header: string | null): void {
  const type = (header ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"))) {
    return;
  }
  throw new GatewayError(
    "invalid_request",
    `Content-Type must be application/json, found ${header === null ? "none" : `'${header}'`}.`,
    { status: 415 },
  );
}

/** The body stopped arriving: the client hung up, or its connection passed `limits.body_ms`. */
function hungUp(): never {
  throw new ClientAbortedError();
}

function parseJsonObject(text: string, maxDepth: number): unknown {
  if (text.trim() === "") throw invalidRequest("Request body is empty: expected a JSON object.");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : "";
    throw invalidRequest(`Request body is not valid JSON${detail}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidRequest("Request body must be a JSON object.");
  }
  const twice = duplicateTopLevelKey(text);
  if (twice !== undefined) {
    throw invalidRequest(`Request body names the field '${twice}' more than once.`, twice);
  }
  const deep = tooDeepUnder(body as Record<string, unknown>, maxDepth);
  if (deep !== undefined) {
    throw invalidRequest(
      `Request body is nested too deeply under '${deep}': more than ${maxDepth} levels of ` +
        "arrays and objects.",
      deep,
    );
  }
  return body;
}
