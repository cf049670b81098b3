/**
 * One subscriber's SSE body for `GET /v0/events` (docs/admin.md, "GET /v0/events"). The stream
 * is pulled: nothing is written faster than the client reads, the bus queue absorbs the rest.
 * Idle streams get a `: keep-alive` comment so proxies do not close them.
 */
import { sseFrame } from "../wire/sse.ts";
import type { Subscription } from "./events.ts";

export const KEEP_ALIVE_MS = 15_000;

const encoder = new TextEncoder();

/** Drops are told to the client, so a gap in the `request` events is never silent. */
function framesOf(subscription: Subscription, reportedDrops: number, events: string[]): string {
  let text = "";
  if (subscription.dropped > reportedDrops) {
    text += sseFrame(
      JSON.stringify({ dropped: subscription.dropped - reportedDrops }),
      "dropped",
    );
  }
  return text + events.join("");
}

export function eventStream(
  subscription: Subscription,
  keepAliveMs = KEEP_ALIVE_MS,
): ReadableStream<Uint8Array> {
  let reportedDrops = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Sent at once, so a client knows the subscription exists before it sends requests.
      controller.enqueue(encoder.encode(": subscribed\n\n"));
    },
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<"idle">((resolve) => {
        timer = setTimeout(() => resolve("idle"), keepAliveMs);
      });
      const woke = await Promise.race([subscription.ready(), idle]);
      clearTimeout(timer);
      if (woke === "idle") {
        controller.enqueue(encoder.encode(": keep-alive\n\n"));
        return;
      }
      const events = subscription.take().map((e) => sseFrame(e.data, e.event));
      const text = framesOf(subscription, reportedDrops, events);
      reportedDrops = subscription.dropped;
      if (text !== "") controller.enqueue(encoder.encode(text));
      if (subscription.closed) controller.close();
    },
    cancel() {
      subscription.close();
    },
  }, { highWaterMark: 0 });
}
