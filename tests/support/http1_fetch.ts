/**
 * An `Http1Client` exchange as a web `Response`, so client tests can read status, headers and
 * body with the usual methods. The gateway reads `Http1Response` directly and never needs this.
 */
import type { Http1Client } from "../../src/upstream/http1/client.ts";
import type { UpstreamInit } from "../../src/upstream/types.ts";

export async function fetchOver(
  client: Http1Client,
  url: string,
  init: UpstreamInit,
): Promise<Response> {
  const response = await client.request(url, init);
  const body = response.nullBody ? null : new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await response.read();
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
    cancel: () => response.cancel(),
  }, { highWaterMark: 0 });
  try {
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers.pairs,
    });
  } catch (error) {
    // A head `Response` refuses (a header name with a space, say) must not leak its connection.
    response.cancel();
    throw error;
  }
}
