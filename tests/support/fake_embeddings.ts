/**
 * A fake embeddings provider for end-to-end tests, speaking both documented wire APIs:
 * OpenAI `POST {base}/embeddings` (platform.openai.com/docs/api-reference/embeddings) under
 * `/v1`, and Gemini `POST {base}/models/{m}:batchEmbedContents` / `:embedContent`
 * (ai.google.dev/api/embeddings) under `/v1beta`. It checks what the real services check
 * (auth header, input shapes, the per-call limits: 2048 inputs, 100 batch requests, the model of
 * each batch request), records every request, and answers deterministic vectors (see
 * `fakeVector`). It imports nothing from `src/`: it is the independent reference.
 */

export interface EmbeddingCall {
  api: "openai" | "gemini";
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface FakeEmbeddingsOptions {
  /** OpenAI answers: list `data` in reverse order (each entry keeps its `index`). */
  reverseOrder?: boolean;
  /** Answer this many calls with the given status and error body before embedding again. */
  failFirst?: { calls: number; status: number; body?: unknown; headers?: Record<string, string> };
  /** Pause before answering each call, so concurrency can be observed. */
  delayMs?: number;
}

export interface FakeEmbeddings {
  url: string;
  calls: EmbeddingCall[];
  /** Most calls that were in flight at the same time. */
  maxInFlight: number;
  options: FakeEmbeddingsOptions;
  close(): Promise<void>;
}

export const OPENAI_KEY = "sk-fake-openai-embed";
export const GEMINI_KEY = "fake-gemini-embed-key";
const DEFAULT_DIMENSIONS = 8;

/**
 * The vector the fake gives `text`: multiples of 1/256 in [-0.5, 0.5), exact in float32, so a
 * base64 round trip must reproduce them exactly.
 */
export function fakeVector(text: string, dimensions = DEFAULT_DIMENSIONS): number[] {
  let hash = 7;
  for (const char of text) hash = (hash * 31 + char.codePointAt(0)!) % 65_521;
  return Array.from({ length: dimensions }, (_, i) => (((hash + i * 37) % 256) - 128) / 256);
}

/** The fake's own token count: words, so it differs from a characters-based estimate. */
export function fakeTokens(text: string): number {
  return text.split(/\s+/).filter((word) => word !== "").length;
}

function tokensText(tokens: number[]): string {
  return `tokens:${tokens.join(",")}`;
}

function base64Floats(values: number[]): string {
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

const openAiError = (message: string, status = 400) =>
  json({ error: { message, type: "invalid_request_error", param: "input", code: null } }, status);

const geminiError = (message: string, status = 400) =>
  json({ error: { code: status, message, status: "INVALID_ARGUMENT" } }, status);

function answerOpenAi(body: Record<string, unknown>, fake: FakeEmbeddings): Response {
  const input = body.input;
  let texts: string[];
  let tokenCount = 0;
  if (typeof input === "string") texts = [input];
  else if (Array.isArray(input) && input.every((v) => typeof v === "string")) texts = input;
  else if (Array.isArray(input) && input.every((v) => Array.isArray(v))) {
    texts = (input as number[][]).map(tokensText);
    tokenCount = (input as number[][]).reduce((sum, t) => sum + t.length, 0);
  } else if (Array.isArray(input) && input.every((v) => typeof v === "number")) {
    texts = [tokensText(input as number[])];
    tokenCount = input.length;
  } else return openAiError("'$.input' is invalid. Please check the API reference.");
  if (texts.length === 0 || texts.length > 2048) {
    return openAiError("'$.input' is invalid. Please check the API reference.");
  }
  if (texts.some((t) => t === "")) return openAiError("'$.input' is invalid.");
  const dimensions = typeof body.dimensions === "number" ? body.dimensions : DEFAULT_DIMENSIONS;
  const base64 = body.encoding_format === "base64";
  const data = texts.map((text, index) => {
    const vector = fakeVector(text, dimensions);
    return { object: "embedding", index, embedding: base64 ? base64Floats(vector) : vector };
  });
  if (fake.options.reverseOrder) data.reverse();
  const prompt = tokenCount > 0 ? tokenCount : texts.reduce((sum, t) => sum + fakeTokens(t), 0);
  return json({
    object: "list",
    data,
    model: body.model,
    usage: { prompt_tokens: prompt, total_tokens: prompt },
  });
}

function geminiText(request: unknown): string | undefined {
  if (typeof request !== "object" || request === null) return undefined;
  const content = (request as Record<string, unknown>).content as Record<string, unknown>;
  if (typeof content !== "object" || content === null || !Array.isArray(content.parts)) {
    return undefined;
  }
  return (content.parts as Array<Record<string, unknown>>).map((p) => p.text).join("\n");
}

function answerGemini(model: string, method: string, body: Record<string, unknown>): Response {
  const requests = method === "embedContent" ? [body] : body.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    return geminiError("* BatchEmbedContentsRequest.requests: requests is required");
  }
  if (requests.length > 100) {
    return geminiError(
      "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch",
    );
  }
  const embeddings = [];
  for (const request of requests as Array<Record<string, unknown>>) {
    if (method === "batchEmbedContents" && request.model !== `models/${model}`) {
      return geminiError(
        `* BatchEmbedContentsRequest.model: model in request (${request.model}) must match models/${model}`,
      );
    }
    const text = geminiText(request);
    if (text === undefined || text === "") return geminiError("* content: empty text");
    const dimensions = typeof request.outputDimensionality === "number"
      ? request.outputDimensionality
      : DEFAULT_DIMENSIONS;
    embeddings.push({ values: fakeVector(text, dimensions) });
  }
  return json(method === "embedContent" ? { embedding: embeddings[0] } : { embeddings });
}

const GEMINI_PATH = /^\/v1beta\/models\/([^/:]+):(batchEmbedContents|embedContent)$/;

export function startFakeEmbeddings(options: FakeEmbeddingsOptions = {}): FakeEmbeddings {
  let inFlight = 0;
  let failed = 0;
  const fake: FakeEmbeddings = {
    url: "",
    calls: [],
    maxInFlight: 0,
    options,
    close: () => server.shutdown(),
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const headers = Object.fromEntries(req.headers);
    const body = await req.json().catch(() => ({})) as Record<string, unknown>;
    const gemini = GEMINI_PATH.exec(path);
    const api = gemini === null ? "openai" : "gemini";
    fake.calls.push({ api, path, headers, body });
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    try {
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      const failing = fake.options.failFirst;
      if (failing !== undefined && failed < failing.calls) {
        failed++;
        return json(
          failing.body ?? { error: { message: "boom" } },
          failing.status,
          failing.headers,
        );
      }
      if (gemini !== null) {
        if (headers["x-goog-api-key"] !== GEMINI_KEY) return geminiError("API key not valid", 400);
        return answerGemini(gemini[1], gemini[2], body);
      }
      if (path !== "/v1/embeddings") return json({ error: { message: "not found" } }, 404);
      if (headers["authorization"] !== `Bearer ${OPENAI_KEY}`) {
        return json({ error: { message: "Incorrect API key provided" } }, 401);
      }
      return answerOpenAi(body, fake);
    } finally {
      inFlight--;
    }
  });
  fake.url = `http://127.0.0.1:${server.addr.port}`;
  return fake;
}
