/** Reads an SSE body frame by frame, comments included, for the admin event tests. */

export interface Frame {
  /** `undefined` for a comment-only frame. */
  event?: string;
  data?: string;
  comments: string[];
}

export class FrameReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next whole frame, or undefined when the stream ended. */
  async next(): Promise<Frame | undefined> {
    let end = this.#buffer.indexOf("\n\n");
    while (end === -1) {
      const { done, value } = await this.#reader.read();
      if (done) return undefined;
      this.#buffer += value;
      end = this.#buffer.indexOf("\n\n");
    }
    const text = this.#buffer.slice(0, end);
    this.#buffer = this.#buffer.slice(end + 2);
    const frame: Frame = { comments: [] };
    for (const line of text.split("\n")) {
      if (line.startsWith(":")) frame.comments.push(line.slice(1).trim());
      else if (line.startsWith("event: ")) frame.event = line.slice(7);
      else if (line.startsWith("data: ")) frame.data = line.slice(6);
    }
    return frame;
  }

  /** Skips frames until one named `event` satisfies `accept`; fails after `timeoutMs`. */
  async waitFor(
    event: string,
    accept: (data: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Record<string, unknown>> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no ${event} event in ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const search = async () => {
      for (;;) {
        const frame = await this.next();
        if (frame === undefined) throw new Error(`stream ended before a ${event} event`);
        if (frame.event !== event || frame.data === undefined) continue;
        const data: unknown = JSON.parse(frame.data);
        if (typeof data === "object" && data !== null && !Array.isArray(data)) {
          const record = data as Record<string, unknown>;
          if (accept(record)) return record;
        }
      }
    };
    try {
      return await Promise.race([search(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}
