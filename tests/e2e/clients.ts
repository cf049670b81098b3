/**
 * The four official SDKs as Plexus clients, behind one small function each, so the matrix tests
 * can ask "what did this client get?" the same way whatever dialect it speaks.
 */
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import type { InboundApiName } from "../../src/codecs/registry.ts";
import { TEST_KEY } from "../support/config.ts";

export interface AskOptions {
  model: string;
  prompt: string;
  stream: boolean;
  system?: string;
  /** One function tool `get_weather(city: string)` offered to the model. */
  withTool?: boolean;
  maxTokens?: number;
}

export interface ClientToolCall {
  id: string;
  name: string;
  args: unknown;
}

/** What a client got, normalised across SDKs. */
export interface ClientAnswer {
  text: string;
  toolCalls: ClientToolCall[];
  /** The SDK's own stop value (`stop`, `end_turn`, `completed`, `STOP`…). */
  stop: string | null | undefined;
  /** The whole prompt, cache reads and writes included, whatever the SDK's own convention. */
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  reasoningTokens?: number;
  /** Number of stream events/chunks the SDK delivered (0 when not streamed). */
  events: number;
}

const WEATHER_SCHEMA = {
  type: "object",
  properties: { city: { type: "string", description: "City name" } },
  required: ["city"],
};

export function ask(
  api: InboundApiName,
  baseUrl: string,
  options: AskOptions,
): Promise<ClientAnswer> {
  switch (api) {
    case "chat":
      return askChat(baseUrl, options);
    case "messages":
      return askMessages(baseUrl, options);
    case "responses":
      return askResponses(baseUrl, options);
    case "gemini":
      return askGemini(baseUrl, options);
  }
}

export function openaiClient(baseUrl: string): OpenAI {
  return new OpenAI({ apiKey: TEST_KEY, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
}

export function anthropicClient(baseUrl: string): Anthropic {
  return new Anthropic({ apiKey: TEST_KEY, baseURL: baseUrl, maxRetries: 0 });
}

export function geminiClient(baseUrl: string): GoogleGenAI {
  return new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl } });
}

async function askChat(baseUrl: string, o: AskOptions): Promise<ClientAnswer> {
  const client = openaiClient(baseUrl);
  const messages: OpenAI.ChatCompletionMessageParam[] = [];
  if (o.system) messages.push({ role: "system", content: o.system });
  messages.push({ role: "user", content: o.prompt });
  const tools: OpenAI.ChatCompletionTool[] | undefined = o.withTool
    ? [{
      type: "function",
      function: { name: "get_weather", description: "Weather", parameters: WEATHER_SCHEMA },
    }]
    : undefined;
  if (!o.stream) {
    const r = await client.chat.completions.create({
      model: o.model,
      messages,
      tools,
      max_tokens: o.maxTokens,
    });
    const m = r.choices[0].message;
    return {
      text: m.content ?? "",
      toolCalls: (m.tool_calls ?? []).flatMap((c) =>
        c.type === "function"
          ? [{ id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) }]
          : []
      ),
      stop: r.choices[0].finish_reason,
      inputTokens: r.usage?.prompt_tokens,
      outputTokens: r.usage?.completion_tokens,
      cacheReadTokens: r.usage?.prompt_tokens_details?.cached_tokens,
      reasoningTokens: r.usage?.completion_tokens_details?.reasoning_tokens,
      events: 0,
    };
  }
  const stream = await client.chat.completions.create({
    model: o.model,
    messages,
    tools,
    max_tokens: o.maxTokens,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let stop: string | null | undefined;
  let events = 0;
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let cacheReadTokens: number | undefined;
  let reasoningTokens: number | undefined;
  const calls = new Map<number, { id: string; name: string; args: string }>();
  for await (const chunk of stream) {
    events++;
    const choice = chunk.choices[0];
    if (chunk.usage) {
      inputTokens = chunk.usage.prompt_tokens;
      outputTokens = chunk.usage.completion_tokens;
      cacheReadTokens = chunk.usage.prompt_tokens_details?.cached_tokens;
      reasoningTokens = chunk.usage.completion_tokens_details?.reasoning_tokens;
    }
    if (!choice) continue;
    text += choice.delta.content ?? "";
    for (const tc of choice.delta.tool_calls ?? []) {
      const call = calls.get(tc.index) ?? { id: "", name: "", args: "" };
      if (tc.id) call.id = tc.id;
      if (tc.function?.name) call.name += tc.function.name;
      call.args += tc.function?.arguments ?? "";
      calls.set(tc.index, call);
    }
    if (choice.finish_reason) stop = choice.finish_reason;
  }
  return {
    text,
    toolCalls: [...calls.values()].map((c) => ({
      id: c.id,
      name: c.name,
      args: JSON.parse(c.args || "{}"),
    })),
    stop,
    inputTokens,
    outputTokens,
    cacheReadTokens,
    reasoningTokens,
    events,
  };
}

async function askMessages(baseUrl: string, o: AskOptions): Promise<ClientAnswer> {
  const client = anthropicClient(baseUrl);
  const params: Anthropic.MessageCreateParamsNonStreaming = {
    model: o.model,
    max_tokens: o.maxTokens ?? 1024,
    messages: [{ role: "user", content: o.prompt }],
    system: o.system,
    tools: o.withTool
      ? [{
        name: "get_weather",
        description: "Weather",
        input_schema: WEATHER_SCHEMA as Anthropic.Tool.InputSchema,
      }]
      : undefined,
  };
  let message: Anthropic.Message;
  let events = 0;
  if (o.stream) {
    const stream = client.messages.stream(params);
    stream.on("streamEvent", () => events++);
    message = await stream.finalMessage();
  } else {
    message = await client.messages.create(params);
  }
  let text = "";
  const toolCalls: ClientToolCall[] = [];
  for (const block of message.content) {
    if (block.type === "text") text += block.text;
    if (block.type === "tool_use") {
      toolCalls.push({ id: block.id, name: block.name, args: block.input });
    }
  }
  return {
    text,
    toolCalls,
    stop: message.stop_reason,
    inputTokens: message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0) +
      (message.usage.cache_creation_input_tokens ?? 0),
    outputTokens: message.usage.output_tokens,
    cacheReadTokens: message.usage.cache_read_input_tokens ?? undefined,
    events,
  };
}

async function askResponses(baseUrl: string, o: AskOptions): Promise<ClientAnswer> {
  const client = openaiClient(baseUrl);
  const params: OpenAI.Responses.ResponseCreateParamsNonStreaming = {
    model: o.model,
    input: o.prompt,
    instructions: o.system,
    max_output_tokens: o.maxTokens,
    tools: o.withTool
      ? [{
        type: "function",
        name: "get_weather",
        description: "Weather",
        parameters: WEATHER_SCHEMA,
        strict: false,
      }]
      : undefined,
  };
  let response: OpenAI.Responses.Response;
  let events = 0;
  if (o.stream) {
    const stream = client.responses.stream({ ...params, stream: true });
    stream.on("event", () => events++);
    response = await stream.finalResponse();
  } else {
    response = await client.responses.create(params);
  }
  const toolCalls: ClientToolCall[] = [];
  for (const item of response.output) {
    if (item.type === "function_call") {
      toolCalls.push({ id: item.call_id, name: item.name, args: JSON.parse(item.arguments) });
    }
  }
  return {
    text: response.output_text,
    toolCalls,
    stop: response.status,
    inputTokens: response.usage?.input_tokens,
    outputTokens: response.usage?.output_tokens,
    cacheReadTokens: response.usage?.input_tokens_details?.cached_tokens,
    reasoningTokens: response.usage?.output_tokens_details?.reasoning_tokens,
    events,
  };
}

async function askGemini(baseUrl: string, o: AskOptions): Promise<ClientAnswer> {
  const ai = geminiClient(baseUrl);
  const request = {
    model: o.model,
    contents: [{ role: "user", parts: [{ text: o.prompt }] }],
    config: {
      systemInstruction: o.system,
      maxOutputTokens: o.maxTokens,
      tools: o.withTool
        ? [{
          functionDeclarations: [{
            name: "get_weather",
            description: "Weather",
            parametersJsonSchema: WEATHER_SCHEMA,
          }],
        }]
        : undefined,
    },
  };
  let text = "";
  const toolCalls: ClientToolCall[] = [];
  let stop: string | undefined;
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let cacheReadTokens: number | undefined;
  let reasoningTokens: number | undefined;
  let events = 0;
  const take = (chunk: Awaited<ReturnType<typeof ai.models.generateContent>>) => {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.thought) continue;
      if (part.text) text += part.text;
      if (part.functionCall) {
        toolCalls.push({
          id: part.functionCall.id ?? "",
          name: part.functionCall.name ?? "",
          args: part.functionCall.args ?? {},
        });
      }
    }
    if (candidate?.finishReason) stop = candidate.finishReason;
    if (chunk.usageMetadata) {
      inputTokens = chunk.usageMetadata.promptTokenCount;
      outputTokens = (chunk.usageMetadata.candidatesTokenCount ?? 0) +
        (chunk.usageMetadata.thoughtsTokenCount ?? 0);
      cacheReadTokens = chunk.usageMetadata.cachedContentTokenCount;
      reasoningTokens = chunk.usageMetadata.thoughtsTokenCount;
    }
  };
  if (o.stream) {
    for await (const chunk of await ai.models.generateContentStream(request)) {
      events++;
      take(chunk);
    }
  } else {
    take(await ai.models.generateContent(request));
  }
  return {
    text,
    toolCalls,
    stop,
    inputTokens,
    outputTokens,
    cacheReadTokens,
    reasoningTokens,
    events,
  };
}

/** Each SDK's word for "the model finished normally" and "it wants a tool". */
export const NORMAL_STOP: Record<InboundApiName, string> = {
  chat: "stop",
  messages: "end_turn",
  responses: "completed",
  gemini: "STOP",
};
export const TOOL_STOP: Record<InboundApiName, string> = {
  chat: "tool_calls",
  messages: "tool_use",
  responses: "completed",
  gemini: "STOP",
};
