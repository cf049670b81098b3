/**
 * The opt-in body log (`logging.bodies: true`): request and response bodies of generation
 * requests, secrets removed, in `{data_dir}/logs/bodies/DAY.jsonl`, apart from the usage log so
 * that one can be shared without the other. Streamed answers are not copied (that would hold the
 * stream open after the client left); their line says `response_streamed: true`.
 */
import type { Config } from "../config/types.ts";
import { bodiesLogDir } from "./day_file.ts";
import { DailyJsonlWriter, type JsonlWriterOptions } from "./jsonl_writer.ts";
import { configuredSecrets, redact } from "./redact.ts";

export interface BodiesLine {
  request_id: string;
  time: string;
  path: string;
  status: number;
  request: unknown;
  response: unknown;
  response_streamed: boolean;
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Whether the answer is a stream (never copied): by path, request flag or content type. */
function isStreamed(path: string, requestBody: unknown, response: Response): boolean {
  if (path.includes(":streamGenerateContent")) return true;
  if ((response.headers.get("content-type") ?? "").includes("event-stream")) return true;
  return typeof requestBody === "object" && requestBody !== null && "stream" in requestBody &&
    requestBody.stream === true;
}

export class BodiesLog {
  readonly #writer: DailyJsonlWriter;
  readonly #secrets: string[];

  constructor(config: Config, options: Omit<JsonlWriterOptions, "dir"> = {}) {
    // Prompts and answers: readable by the server's user only, like the generated key.
    this.#writer = new DailyJsonlWriter({
      fileMode: 0o600,
      ...options,
      dir: bodiesLogDir(config.server.dataDir),
    });
    this.#secrets = configuredSecrets(config);
  }

  /**
   * Logs the request body the handler hands to `noteBody` (only after the client authenticated
   * and the body passed the size and nesting limits; nothing else is logged) and a whole JSON
   * answer; never delays the response itself.
   */
  async observe(
    request: Request,
    meta: { requestId: string; startedAt: number },
    handle: (noteBody: (body: unknown) => void) => Promise<Response>,
  ): Promise<Response> {
    let requestBody: unknown;
    let noted = false;
    const response = await handle((body) => {
      requestBody = body;
      noted = true;
    });
    if (!noted) return response;
    const path = new URL(request.url).pathname;
    const streamed = isStreamed(path, requestBody, response);
    const responseText = streamed ? Promise.resolve("") : response.clone().text().catch(() => "");
    responseText.then((res) => {
      const line: BodiesLine = {
        request_id: meta.requestId,
        time: new Date(meta.startedAt).toISOString(),
        path,
        status: response.status,
        request: redact(requestBody, this.#secrets),
        response: streamed ? null : redact(parsedOrText(res), this.#secrets),
        response_streamed: streamed,
      };
      this.#writer.push(meta.startedAt, line);
    }).catch((error) => {
      console.error("plexus: body log failed:", error instanceof Error ? error.message : error);
    });
    return response;
  }

  close(): Promise<void> {
    return this.#writer.close();
  }
}
