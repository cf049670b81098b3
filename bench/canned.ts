/**
 * The canned answers of the fake upstream: one OpenAI chat completion and one Anthropic message,
 * each as a JSON body and as a 20-chunk SSE stream. Built once, served as precomputed bytes.
 */

/** How many content deltas a streamed answer carries. */
export const STREAM_CHUNKS = 20;

/** The words the streamed answers spell, one per chunk; a non-streamed answer joins them. */
export const WORDS: readonly string[] = Array.from(
  { length: STREAM_CHUNKS },
  (_, i) => `word${i} `,
);

const TEXT = WORDS.join("");
const USAGE_IN = 25;
const USAGE_OUT = STREAM_CHUNKS;

/** OpenAI chat: "The chat completion object". */
export function chatJson(): string {
  return JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "bench-model",
    choices: [{
      index: 0,
      message: { role: "assistant", content: TEXT, refusal: null },
      logprobs: null,
      finish_reason: "stop",
    }],
    usage: {
      prompt_tokens: USAGE_IN,
      completion_tokens: USAGE_OUT,
      total_tokens: USAGE_IN + USAGE_OUT,
    },
  });
}

/** OpenAI chat: "The chat completion chunk object", ending with a usage chunk and `[DONE]`. */
export function chatFrames(): string[] {
  const chunk = (choices: unknown[], usage: unknown = null) =>
    `data: ${
      JSON.stringify({
        id: "chatcmpl-bench",
        object: "chat.completion.chunk",
        created: 1_700_000_000,
        model: "bench-model",
        choices,
        usage,
      })
    }\n\n`;
  const frames = [chunk([{ index: 0, delta: { role: "assistant", content: "" } }])];
  for (const word of WORDS) frames.push(chunk([{ index: 0, delta: { content: word } }]));
  frames.push(chunk([{ index: 0, delta: {}, finish_reason: "stop" }]));
  frames.push(chunk([], {
    prompt_tokens: USAGE_IN,
    completion_tokens: USAGE_OUT,
    total_tokens: USAGE_IN + USAGE_OUT,
  }));
  frames.push("data: [DONE]\n\n");
  return frames;
}

/** Anthropic Messages: "Messages" response body. */
export function messagesJson(): string {
  return JSON.stringify({
    id: "msg_bench",
    type: "message",
    role: "assistant",
    model: "bench-model",
    content: [{ type: "text", text: TEXT }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: USAGE_IN, output_tokens: USAGE_OUT },
  });
}

/** Anthropic Messages: "Streaming Messages" event flow. */
export function messagesFrames(): string[] {
  const event = (data: { type: string; [field: string]: unknown }) =>
    `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
  const frames = [
    event({
      type: "message_start",
      message: {
        id: "msg_bench",
        type: "message",
        role: "assistant",
        model: "bench-model",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: USAGE_IN, output_tokens: 1 },
      },
    }),
    event({
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }),
  ];
  for (const word of WORDS) {
    frames.push(
      event({
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: word },
      }),
    );
  }
  frames.push(event({ type: "content_block_stop", index: 0 }));
  frames.push(
    event({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: USAGE_OUT },
    }),
  );
  frames.push(event({ type: "message_stop" }));
  return frames;
}
