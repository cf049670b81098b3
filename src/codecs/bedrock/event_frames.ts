/**
 * A ConverseStream body (binary event stream) as the `SseEvent`s the stream decoder reads:
 * `event` is the message's `:event-type` (`messageStart`, `contentBlockDelta`...), the
 * `:exception-type` of an exception (`throttlingException`...), or the `:error-code` of an
 * error message; `data` is the JSON payload.
 */
import type { SseEvent } from "../codec.ts";
import { EventStreamDecoder, type EventStreamMessage } from "./event_stream.ts";

const utf8 = new TextDecoder();

export class ConverseStreamFrames {
  readonly #decoder = new EventStreamDecoder();

  /** Throws `EventStreamError` on a malformed or corrupted message. */
  push(chunk: Uint8Array): SseEvent[] {
    return this.#decoder.push(chunk).map(toEvent);
  }

  /** Throws `EventStreamError` when the stream stopped inside a message. */
  end(): SseEvent[] {
    this.#decoder.end();
    return [];
  }
}

function toEvent(message: EventStreamMessage): SseEvent {
  const header = (name: string) => {
    const value = message.headers.get(name);
    return typeof value === "string" ? value : undefined;
  };
  const data = utf8.decode(message.payload);
  switch (header(":message-type")) {
    case "exception":
      return { event: header(":exception-type") ?? "internalServerException", data };
    case "error":
      // "Event stream encoding": an error message carries its code and text in headers.
      return {
        event: header(":error-code") ?? "internalServerException",
        data: JSON.stringify({ message: header(":error-message") ?? "stream error" }),
      };
    default:
      return { event: header(":event-type") ?? "", data };
  }
}
