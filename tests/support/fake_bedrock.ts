/**
 * A fake Amazon Bedrock runtime for end-to-end tests, built from the AWS docs and independent of
 * Plexus's own code: `POST /model/{modelId}/converse` answers JSON, `/converse-stream` answers a
 * binary event stream (`application/vnd.amazon.eventstream`, CRC-32s from `node:zlib`); errors
 * are `{"message"}` bodies named by `x-amzn-errortype`. Every request's SigV4 signature is
 * checked by recomputing it with `node:crypto` (or its Bedrock API key, a bearer token).
 */
import { createHash, createHmac } from "node:crypto";
import { bedrockEvent, bedrockException, eventStreamMessage } from "./aws_event_stream.ts";

export interface FakeAwsCredentials {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface BedrockRequest {
  path: string;
  /** The `{modelId}` path segment, decoded. */
  modelId: string;
  operation: "converse" | "converse-stream";
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Why authentication failed; undefined when the signature or key checked out. */
  authProblem?: string;
}

/** What the next request gets instead of the canned answer. */
export type BedrockReply =
  | { kind: "error"; status: number; type: string; message: string }
  | { kind: "exception"; afterEvents: number; exception: string; message: string }
  | { kind: "corrupt"; afterEvents: number }
  | { kind: "cut"; afterEvents: number };

export interface FakeBedrock {
  /** `http://127.0.0.1:PORT`: a `base_url` that replaces the regional endpoint. */
  url: string;
  requests: BedrockRequest[];
  /** Replies used in order by the next requests. */
  script(...replies: BedrockReply[]): void;
  close(): Promise<void>;
}

export interface FakeBedrockOptions {
  credentials?: FakeAwsCredentials;
  apiKey?: string;
}

export function startFakeBedrock(options: FakeBedrockOptions): FakeBedrock {
  const requests: BedrockRequest[] = [];
  const queue: BedrockReply[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const rawBody = await request.text();
      const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(url.pathname);
      if (request.method !== "POST" || match === null) {
        return awsError(404, "UnknownOperationException", "Unknown operation");
      }
      const headers = Object.fromEntries(request.headers);
      const authProblem = checkAuth(request, url, rawBody, options);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(rawBody);
      } catch {
        // Checked below.
      }
      const recorded: BedrockRequest = {
        path: url.pathname,
        modelId: decodeURIComponent(match[1]),
        operation: match[2] as BedrockRequest["operation"],
        headers,
        body,
        authProblem,
      };
      requests.push(recorded);
      if (authProblem !== undefined) {
        const type = options.apiKey !== undefined
          ? "UnrecognizedClientException"
          : "InvalidSignatureException";
        return awsError(403, type, authProblem);
      }
      const invalid = validate(body);
      if (invalid !== undefined) return awsError(400, "ValidationException", invalid);
      const reply = queue.shift();
      if (reply?.kind === "error") return awsError(reply.status, reply.type, reply.message);
      const answer = cannedAnswer(body);
      if (recorded.operation === "converse") {
        return Response.json(converseBody(answer), {
          headers: { "x-amzn-requestid": crypto.randomUUID() },
        });
      }
      return new Response(eventStreamBody(streamFrames(answer), reply), {
        headers: {
          "content-type": "application/vnd.amazon.eventstream",
          "x-amzn-requestid": crypto.randomUUID(),
        },
      });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    script: (...replies) => queue.push(...replies),
    close: () => server.shutdown(),
  };
}

/** "Common Errors": the type in `x-amzn-errortype`, the text in `{"message"}`. */
function awsError(status: number, type: string, message: string): Response {
  return Response.json({ message }, {
    status,
    headers: { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
  });
}

/** The checks Bedrock makes before any model runs ("Converse", Errors: ValidationException). */
function validate(body: Record<string, unknown>): string | undefined {
  if ("model" in body || "modelId" in body) return "The model goes in the URL, not the body";
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return "messages must not be empty";
  let previous = "";
  let toolBlocks = false;
  for (const message of messages) {
    const role = message?.role;
    if (role !== "user" && role !== "assistant") return `bad role ${role}`;
    if (role === previous) return "A conversation must alternate between user and assistant roles";
    previous = role;
    if (!Array.isArray(message.content) || message.content.length === 0) {
      return "The content field in the Message object is empty";
    }
    for (const block of message.content) {
      const keys = Object.keys(block ?? {});
      if (keys.length !== 1) return `a ContentBlock has exactly one member, got ${keys.join(",")}`;
      if (keys[0] === "toolUse" || keys[0] === "toolResult") toolBlocks = true;
      if (keys[0] === "text" && typeof block.text !== "string") return "text must be a string";
    }
  }
  if (messages[0].role !== "user") return "A conversation must start with a user message";
  if (toolBlocks && body.toolConfig === undefined) {
    return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
  }
  return undefined;
}

interface Answer {
  blocks: Array<Record<string, unknown>>;
  stopReason: string;
}

/**
 * Text by default; a `get_weather` call when that tool is offered and no result came back yet;
 * signed reasoning first when Claude thinking was asked for.
 */
function cannedAnswer(body: Record<string, unknown>): Answer {
  const blocks: Array<Record<string, unknown>> = [];
  const extra = body.additionalModelRequestFields as Record<string, unknown> | undefined;
  if (extra?.thinking !== undefined) {
    blocks.push({
      reasoningContent: {
        reasoningText: {
          text: "The user wants a greeting.",
          signature: "c2lnbmF0dXJlLWJlZHJvY2s=",
        },
      },
    });
  }
  const tools = (body.toolConfig as { tools?: Array<{ toolSpec: { name: string } }> })?.tools;
  const messages = body.messages as Array<{ content: Array<Record<string, unknown>> }>;
  const answered = messages.at(-1)?.content.some((block) => "toolResult" in block);
  if (tools?.some((tool) => tool.toolSpec.name === "get_weather") && !answered) {
    blocks.push({
      toolUse: { toolUseId: "tooluse_1", name: "get_weather", input: { city: "Paris" } },
    });
    return { blocks, stopReason: "tool_use" };
  }
  blocks.push({ text: answered ? "It is sunny in Paris." : "Hello from Bedrock!" });
  return { blocks, stopReason: "end_turn" };
}

const USAGE = {
  inputTokens: 12,
  outputTokens: 7,
  cacheReadInputTokens: 4,
  cacheWriteInputTokens: 2,
};

function converseBody(answer: Answer): Record<string, unknown> {
  return {
    output: { message: { role: "assistant", content: answer.blocks } },
    stopReason: answer.stopReason,
    usage: { ...USAGE, totalTokens: 25 },
    metrics: { latencyMs: 42 },
  };
}

/** ConverseStream events for an answer: each block started, delta'd in pieces, stopped. */
function streamFrames(answer: Answer): Uint8Array[] {
  const frames = [bedrockEvent("messageStart", { role: "assistant" })];
  answer.blocks.forEach((block, index) => {
    const at = { contentBlockIndex: index };
    if ("toolUse" in block) {
      const use = block.toolUse as { toolUseId: string; name: string; input: unknown };
      frames.push(bedrockEvent("contentBlockStart", {
        ...at,
        start: { toolUse: { toolUseId: use.toolUseId, name: use.name } },
      }));
      for (const piece of pieces(JSON.stringify(use.input))) {
        frames.push(
          bedrockEvent("contentBlockDelta", { ...at, delta: { toolUse: { input: piece } } }),
        );
      }
    } else if ("reasoningContent" in block) {
      const reasoning =
        (block.reasoningContent as { reasoningText: { text: string; signature: string } })
          .reasoningText;
      for (const piece of pieces(reasoning.text)) {
        frames.push(
          bedrockEvent("contentBlockDelta", {
            ...at,
            delta: { reasoningContent: { text: piece } },
          }),
        );
      }
      frames.push(bedrockEvent("contentBlockDelta", {
        ...at,
        delta: { reasoningContent: { signature: reasoning.signature } },
      }));
    } else {
      for (const piece of pieces(String(block.text))) {
        frames.push(bedrockEvent("contentBlockDelta", { ...at, delta: { text: piece } }));
      }
    }
    frames.push(bedrockEvent("contentBlockStop", at));
  });
  frames.push(bedrockEvent("messageStop", { stopReason: answer.stopReason }));
  frames.push(
    bedrockEvent("metadata", { usage: { ...USAGE, totalTokens: 25 }, metrics: { latencyMs: 42 } }),
  );
  return frames;
}

function pieces(text: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; at += 5) out.push(text.slice(at, at + 5));
  return out.length > 0 ? out : [""];
}

/**
 * The frames as a body written in odd-sized pieces (frames split across writes and joined in
 * one), with an exception, a corrupted frame or a cut applied after some events.
 */
function eventStreamBody(
  frames: Uint8Array[],
  reply: BedrockReply | undefined,
): ReadableStream<Uint8Array> {
  let sent = frames;
  if (reply !== undefined && reply.kind !== "error") {
    sent = frames.slice(0, reply.afterEvents);
    if (reply.kind === "exception") sent.push(bedrockException(reply.exception, reply.message));
    if (reply.kind === "corrupt") {
      const bad = eventStreamMessage({
        ":event-type": "contentBlockDelta",
        ":message-type": "event",
      }, '{"contentBlockIndex":0,"delta":{"text":"garbage"}}');
      bad[bad.byteLength - 10] ^= 0x01;
      sent.push(bad);
    }
  }
  const bytes = new Uint8Array(sent.reduce((n, f) => n + f.byteLength, 0));
  let offset = 0;
  for (const frame of sent) {
    bytes.set(frame, offset);
    offset += frame.byteLength;
  }
  let at = 0;
  const sizes = [7, 150, 33, 1, 400];
  let turn = 0;
  return new ReadableStream({
    async pull(controller) {
      if (at >= bytes.byteLength) {
        controller.close();
        return;
      }
      const size = sizes[turn++ % sizes.length];
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
      await new Promise((resolve) => setTimeout(resolve, 1));
    },
  });
}

// ---- SigV4, recomputed ("Create a signed AWS API request", and "Authenticating Requests") ----

function checkAuth(
  request: Request,
  url: URL,
  body: string,
  options: FakeBedrockOptions,
): string | undefined {
  const authorization = request.headers.get("authorization") ?? "";
  if (options.apiKey !== undefined) {
    return authorization === `Bearer ${options.apiKey}` ? undefined : "The API key is not valid";
  }
  const creds = options.credentials!;
  const parsed =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/
      .exec(authorization);
  if (parsed === null) return "Authorization header is not a SigV4 header";
  const [, accessKey, date, region, service, signedHeaders, signature] = parsed;
  if (accessKey !== creds.accessKeyId) {
    return "The security token included in the request is invalid";
  }
  if (region !== creds.region || service !== "bedrock") {
    return `wrong credential scope ${region}/${service}`;
  }
  const amzDate = request.headers.get("x-amz-date") ?? "";
  if (!amzDate.startsWith(date)) return "x-amz-date does not match the credential scope";
  const skew = Math.abs(
    Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z")) -
      Date.now(),
  );
  if (!(skew < 5 * 60_000)) return "Signature expired";
  if (creds.sessionToken !== undefined) {
    if (request.headers.get("x-amz-security-token") !== creds.sessionToken) {
      return "missing session token";
    }
    if (!signedHeaders.split(";").includes("x-amz-security-token")) {
      return "session token not signed";
    }
  }
  for (const required of ["host", "x-amz-date"]) {
    if (!signedHeaders.split(";").includes(required)) return `${required} is not signed`;
  }
  const canonicalHeaders = signedHeaders.split(";")
    .map((name) => `${name}:${(request.headers.get(name) ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const canonicalUri = url.pathname.split("/").map(rfc3986).join("/");
  const canonicalRequest = [
    "POST",
    canonicalUri,
    "",
    canonicalHeaders,
    signedHeaders,
    createHash("sha256").update(body).digest("hex"),
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  let key: Buffer | string = `AWS4${creds.secretAccessKey}`;
  for (const part of [date, region, service, "aws4_request"]) {
    key = createHmac("sha256", key).update(part).digest();
  }
  const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
  return expected === signature
    ? undefined
    : "The request signature we calculated does not match the signature you provided.";
}

function rfc3986(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (ch) => "%" + ch.charCodeAt(0).toString(16).toUpperCase(),
  );
}
