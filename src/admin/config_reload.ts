/**
 * `POST /v0/config/reload` (re-read the file) and `PUT /v0/config` (replace it with the body):
 * both validate exactly like `plexus check-config` and change nothing when the config is refused.
 */
import { changesView, type Reloader, type ReloadOutcome } from "../reload/reloader.ts";
import { adminError, adminJson } from "./errors.ts";

/** A config document larger than this is refused before it is read to the end. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export async function reloadFromFile(reloader: Reloader | undefined): Promise<Response> {
  if (reloader === undefined) return noFile();
  return outcomeResponse(await reloader.reload("api"));
}

export async function replaceConfig(
  reloader: Reloader | undefined,
  request: Request,
): Promise<Response> {
  if (reloader === undefined) return noFile();
  const text = await boundedText(request, MAX_CONFIG_BYTES);
  if (text === undefined) {
    return adminError(
      413,
      "invalid_request_error",
      `The config document is larger than ${MAX_CONFIG_BYTES} bytes.`,
    );
  }
  return outcomeResponse(await reloader.replace(text));
}

function outcomeResponse(outcome: ReloadOutcome): Response {
  if (outcome.ok) {
    return adminJson({
      ok: true,
      changed: outcome.changed,
      hash: outcome.hash,
      changes: changesView(outcome.changes),
      restart_needed: outcome.changes.restartNeeded,
    });
  }
  const type = outcome.status === 400 ? "invalid_request_error" : "api_error";
  return adminJson({
    error: { type, message: `Config refused, the running config stays: ${outcome.message}.` },
    problems: outcome.problems.map((problem) => ({
      line: problem.line,
      col: problem.col,
      path: problem.path,
      message: problem.message,
    })),
  }, outcome.status);
}

function noFile(): Response {
  return adminError(
    409,
    "invalid_request_error",
    "This server was not started from a config file, so there is nothing to reload.",
  );
}

/** The body as text, or undefined once it passes `limit` bytes (the rest is not read). */
async function boundedText(request: Request, limit: number): Promise<string | undefined> {
  if (request.body === null) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(bytes);
}
