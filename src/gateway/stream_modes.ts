/**
 * The three ways a streamed answer's upstream chunks become the client's bytes, one object each,
 * behind the shell in `answer_stream.ts`:
 * - `TranslatedMode`: parser -> decoder -> the client's encoder;
 * - `PassThroughMode`: same API, the bytes forwarded as they came (whole frames only), tapped;
 * - `HiddenEventsMode`: same API, each frame re-framed unchanged except those only Plexus asked
 *   for (chat's usage-only chunk).
 */
import type { FrameReader, SseEvent, StreamDecoder, StreamEncoder } from "../codecs/codec.ts";
import { mergeUsage, type StreamEvent, type Usage } from "../codecs/unified.ts";
import { scrubSecrets, scrubSecretsInBytes } from "../auth/secrets.ts";
import type { RequestRecord } from "../usage/record.ts";
import { sseFrame, SseParser } from "../wire/sse.ts";
import { firstFrameEnd, FrameBoundary } from "../wire/sse_frames.ts";

const CONTENT_EVENTS = new Set<StreamEvent["type"]>([
  "text_delta",
  "reasoning_delta",
  "tool_call_start",
]);

const textEncoder = new TextEncoder();

/** What goes to the client: provider text may echo a key or a configured header value. */
export function clientBytes(text: string): Uint8Array {
  return textEncoder.encode(scrubSecrets(text));
}

/** What every mode reads off the upstream's events: usage, first-token time, errors, the end. */
export class StreamObserver {
  usage: Usage | undefined;
  upstreamError: RequestRecord["error"];
  readonly #record: RequestRecord;
  readonly #decoder: StreamDecoder;
  readonly #mayCarryUsage: (data: string) => boolean;

  constructor(
    record: RequestRecord,
    decoder: StreamDecoder,
    mayCarryUsage: (data: string) => boolean,
  ) {
    this.#record = record;
    this.#decoder = decoder;
    this.#mayCarryUsage = mayCarryUsage;
  }

  /** The frame's unified events, observed. */
  decode(sse: SseEvent): StreamEvent[] {
    const events = this.#decoder.push(sse);
    for (const event of events) this.observe(event);
    return events;
  }

  /** The decoder's closing events, observed. */
  end(): StreamEvent[] {
    const events = this.#decoder.end();
    for (const event of events) this.observe(event);
    return events;
  }

  observe(event: StreamEvent): void {
    const record = this.#record;
    if (event.type === "start") record.responseId = event.id;
    else if (event.type === "usage") this.usage = mergeUsage(this.usage, event.usage);
    else if (record.ttftMs === undefined && CONTENT_EVENTS.has(event.type)) {
      record.ttftMs = Date.now() - record.startedAt;
    } else if (event.type === "error") {
      this.upstreamError = { kind: event.error.kind, message: scrubSecrets(event.error.message) };
    } else if (event.type === "finish") record.finishReason = event.stopReason;
  }

  /**
   * Pass-through: decodes a forwarded frame only for bookkeeping, and once the first token was
   * seen only a frame that may carry usage, an error or the end (`PassThrough.mayCarryUsage`).
   */
  tap(sse: SseEvent): void {
    if (this.#record.ttftMs !== undefined && !this.#mayCarryUsage(sse.data)) return;
    try {
      this.decode(sse);
    } catch {
      // Only bookkeeping is lost: a frame the decoder cannot follow never breaks the byte stream.
    }
  }
}

export interface StreamMode {
  /** The client's encoder when translating (its content type; it writes the error frame). */
  readonly encoder: StreamEncoder | undefined;
  /** Output for one upstream chunk; undefined while nothing is due. */
  push(chunk: Uint8Array): Uint8Array | undefined;
  /** After the first bytes went out: what was held back for them, if it makes output. */
  afterFirst(): Uint8Array | undefined;
  /** The upstream ended cleanly: whatever is still owed. */
  end(): Uint8Array[];
  /** The stream stops early: bookkeeping of what was held back, before the record is settled. */
  observeHeld(): void;
}

/** Parser -> decoder -> the client's encoder; bytes that are not SSE through a frame reader. */
export class TranslatedMode implements StreamMode {
  readonly encoder: StreamEncoder;
  readonly #observer: StreamObserver;
  readonly #parser: SseParser;
  readonly #frameReader: FrameReader | undefined;
  readonly #textDecoder = new TextDecoder();
  #sentFirst = false;
  /**
   * Until the first bytes went out, upstream text is parsed and translated one frame at a time
   * and stops at the first frame with output: the rest waits here until the runtime has sent
   * those bytes. (The parser takes text split anywhere, so any cut is safe.)
   */
  #heldText = "";

  constructor(
    observer: StreamObserver,
    encoder: StreamEncoder,
    maxFrameBytes: number,
    frameReader?: FrameReader,
  ) {
    this.#observer = observer;
    this.encoder = encoder;
    this.#parser = new SseParser(maxFrameBytes);
    this.#frameReader = frameReader;
  }

  push(chunk: Uint8Array): Uint8Array | undefined {
    const out = this.#frameReader === undefined
      ? this.#decodeText(this.#textDecoder.decode(chunk, { stream: true }))
      : this.#decodeFrames(this.#frameReader.push(chunk));
    if (out === "") return undefined;
    this.#sentFirst = true;
    return clientBytes(out);
  }

  afterFirst(): Uint8Array | undefined {
    if (this.#heldText === "") return undefined;
    const held = this.#heldText;
    this.#heldText = "";
    const out = this.#decodeFrames(this.#parser.push(held));
    return out === "" ? undefined : clientBytes(out);
  }

  end(): Uint8Array[] {
    let out = "";
    for (const sse of this.#frameReader?.end() ?? this.#parser.end()) {
      out += this.#translate(this.#observer.decode(sse));
    }
    out += this.#translate(this.#observer.end()) + this.encoder.end();
    return out === "" ? [] : [clientBytes(out)];
  }

  observeHeld(): void {
    const held = this.#heldText;
    this.#heldText = "";
    try {
      for (const sse of this.#parser.push(held)) this.#observer.decode(sse);
    } catch {
      // The client is gone; only bookkeeping of frames it never saw is lost.
    }
  }

  #translate(events: StreamEvent[]): string {
    let out = "";
    for (const event of events) out += this.encoder.push(event);
    return out;
  }

  #decodeFrames(frames: SseEvent[]): string {
    let out = "";
    for (const sse of frames) {
      out += this.#translate(this.#observer.decode(sse));
      if (this.encoder.endOfFrame !== undefined) out += this.encoder.endOfFrame();
    }
    return out;
  }

  #decodeText(text: string): string {
    if (this.#sentFirst) return this.#decodeFrames(this.#parser.push(text));
    let out = "";
    let rest = text;
    while (rest !== "" && out === "") {
      const cut = firstFrameEnd(rest);
      out += this.#decodeFrames(this.#parser.push(rest.slice(0, cut)));
      rest = rest.slice(cut);
    }
    this.#heldText = rest;
    return out;
  }
}

/** Same API: the upstream's bytes go out as they came, cut only at frame ends, then tapped. */
export class PassThroughMode implements StreamMode {
  readonly encoder = undefined;
  readonly #observer: StreamObserver;
  readonly #parser: SseParser;
  readonly #frames: FrameBoundary;
  readonly #textDecoder = new TextDecoder();
  #sentFirst = false;
  /** Text not yet tapped: the first bytes go out before they are looked at. */
  #untapped = "";

  constructor(observer: StreamObserver, maxFrameBytes: number) {
    this.#observer = observer;
    this.#parser = new SseParser(maxFrameBytes);
    this.#frames = new FrameBoundary(maxFrameBytes);
  }

  push(chunk: Uint8Array): Uint8Array | undefined {
    this.#untapped += this.#textDecoder.decode(chunk, { stream: true });
    if (this.#sentFirst) this.#tapUntapped();
    // Whole frames only, so an error frame after a break never lands mid-frame.
    const whole = this.#frames.push(chunk);
    if (whole.byteLength === 0) return undefined;
    this.#sentFirst = true;
    return scrubSecretsInBytes(whole);
  }

  afterFirst(): undefined {
    this.#tapUntapped();
    return undefined;
  }

  end(): Uint8Array[] {
    this.#tapUntapped();
    const rest = this.#frames.rest();
    for (const sse of this.#parser.end()) this.#observer.decode(sse);
    this.#observer.end();
    return rest.byteLength > 0 ? [scrubSecretsInBytes(rest)] : [];
  }

  observeHeld(): void {
    this.#tapUntapped();
  }

  #tapUntapped(): void {
    if (this.#untapped === "") return;
    const text = this.#untapped;
    this.#untapped = "";
    for (const sse of this.#parser.push(text)) this.#observer.tap(sse);
  }
}

/** Same API with events only Plexus asked for: each visible frame re-framed, data unchanged. */
export class HiddenEventsMode implements StreamMode {
  readonly encoder = undefined;
  readonly #observer: StreamObserver;
  readonly #isHidden: (event: SseEvent) => boolean;
  readonly #parser: SseParser;
  readonly #textDecoder = new TextDecoder();

  constructor(
    observer: StreamObserver,
    isHidden: (event: SseEvent) => boolean,
    maxFrameBytes: number,
  ) {
    this.#observer = observer;
    this.#isHidden = isHidden;
    this.#parser = new SseParser(maxFrameBytes);
  }

  push(chunk: Uint8Array): Uint8Array | undefined {
    let out = "";
    for (const sse of this.#parser.push(this.#textDecoder.decode(chunk, { stream: true }))) {
      this.#observer.tap(sse);
      if (!this.#isHidden(sse)) out += sseFrame(sse.data, sse.event);
    }
    return out === "" ? undefined : clientBytes(out);
  }

  afterFirst(): undefined {
    return undefined;
  }

  end(): Uint8Array[] {
    let out = "";
    for (const sse of this.#parser.end()) {
      this.#observer.decode(sse);
      if (!this.#isHidden(sse)) out += sseFrame(sse.data, sse.event);
    }
    this.#observer.end();
    return out === "" ? [] : [clientBytes(out)];
  }

  observeHeld(): void {}
}
