/**
 * The common part of the cloud fakes (Azure OpenAI, Vertex AI, Google's token endpoint): a
 * loopback server that records every request and answers through a route function, with replies
 * that tests can queue. Imports nothing from `src/`.
 */
import type { JsonObject, Scenario } from "./wire_scenarios.ts";

export interface CloudRequest {
  method: string;
  /** Path as sent (percent-encoding kept). */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Record<string, string>;
  rawBody: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: unknown;
}

/** What a test can ask the next request to get instead of the canned answer. */
export type CloudReply =
  | { kind: "scenario"; scenario: Partial<Scenario> }
  | { kind: "error"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "raw_stream"; frames: string[] };

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** A JSON value, or the frames of an event stream. */
  body?: unknown;
  frames?: string[];
}

export interface CloudFake {
  readonly url: string;
  readonly requests: CloudRequest[];
  enqueue(...replies: CloudReply[]): void;
  close(): Promise<void>;
}

export type Route = (
  request: CloudRequest,
  reply: CloudReply | undefined,
) => Answer | Promise<Answer>;

export function jsonAnswer(status: number, body: JsonObject, headers = {}): Answer {
  return { status, body, headers };
}

export function startCloudFake(route: Route): CloudFake {
  const requests: CloudRequest[] = [];
  const queue: CloudReply[] = [];
  const encoder = new TextEncoder();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const rawBody = await request.text();
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
      const recorded: CloudRequest = {
        method: request.method,
        path: url.pathname,
        query: url.searchParams,
        headers,
        rawBody,
        body,
      };
      requests.push(recorded);
      const answer = await route(recorded, queue.shift());
      if (answer.frames !== undefined) {
        const frames = answer.frames;
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (const frame of frames) controller.enqueue(encoder.encode(frame));
            controller.close();
          },
        });
        return new Response(stream, {
          status: answer.status,
          headers: { "content-type": "text/event-stream", ...answer.headers },
        });
      }
      return new Response(JSON.stringify(answer.body ?? {}), {
        status: answer.status,
        headers: { "content-type": "application/json", ...answer.headers },
      });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    close: () => server.shutdown(),
  };
}
