/** Reads a JSON request body within the size limit. */
import { GatewayError, invalidRequest } from "../codecs/unified.ts";
import { concatBytes } from "../wire/bytes.ts";

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    "request_too_large",
    `Request body is larger than the limit of ${maxBytes} bytes.`,
  );
}

export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  // A declared length within the limit is read natively in one go (touching `request.body`
  // first would make it a stream, read chunk by chunk); the loop below is for bodies of unknown
  // length, which it stops reading as soon as they pass the limit.
  if (declared !== null) return parseJsonObject(await request.text());
  if (request.body === null) throw invalidRequest("Request body is empty: expected a JSON object.");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = chunks.length === 1 ? chunks[0] : concatBytes(chunks);
  return parseJsonObject(new TextDecoder().decode(bytes));
}

function parseJsonObject(text: string): unknown {
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
  return body;
}
