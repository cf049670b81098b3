/**
 * A hand-written provider on a raw loopback socket: it reads each request (head and sized body)
 * and answers with whatever bytes the test writes, including ones no real server would send.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface ReceivedRequest {
  head: string;
  body: string;
}

export type Answer = (conn: Deno.Conn, request: ReceivedRequest) => Promise<void>;

export interface HostileUpstream {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export function startHostileUpstream(answer: Answer): HostileUpstream {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: ReceivedRequest[] = [];
  const conns = new Set<Deno.Conn>();
  const serving = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      serveConnection(conn, requests, answer).catch(() => {}).finally(() => {
        conns.delete(conn);
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      });
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    requests,
    async close() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await serving;
    },
  };
}

async function serveConnection(
  conn: Deno.Conn,
  requests: ReceivedRequest[],
  answer: Answer,
): Promise<void> {
  let buffered = "";
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    let headEnd: number;
    while ((headEnd = buffered.indexOf("\r\n\r\n")) < 0) {
      const n = await conn.read(buffer);
      if (n === null) return;
      buffered += decoder.decode(buffer.subarray(0, n));
    }
    const head = buffered.slice(0, headEnd);
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? "0");
    while (buffered.length < headEnd + 4 + length) {
      const n = await conn.read(buffer);
      if (n === null) return;
      buffered += decoder.decode(buffer.subarray(0, n));
    }
    const request = { head, body: buffered.slice(headEnd + 4, headEnd + 4 + length) };
    buffered = buffered.slice(headEnd + 4 + length);
    requests.push(request);
    await answer(conn, request);
  }
}

export async function write(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = encoder.encode(text);
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

/** A complete HTTP/1.1 answer with a sized body. */
export function answerText(
  status: number,
  contentType: string,
  body: string,
  extraHeaders = "",
): string {
  return `HTTP/1.1 ${status} X\r\ncontent-type: ${contentType}\r\n${extraHeaders}` +
    `content-length: ${encoder.encode(body).length}\r\n\r\n${body}`;
}

/** The head of a streamed answer, read to the close. */
export const SSE_HEAD =
  "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
