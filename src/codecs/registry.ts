/**
 * Every wire API Plexus speaks. Adding one means a folder in `src/codecs/` implementing
 * `OutboundCodec` (or `InboundCodec`, when clients may speak it too) and one line here; its
 * name, routes, error and model-list formats all come from that folder.
 */
import { type Codec, type InboundCodec, isInbound } from "./codec.ts";
import { chatCodec } from "./chat/mod.ts";
import { messagesCodec } from "./messages/mod.ts";
import { responsesCodec } from "./responses/mod.ts";
import { geminiCodec } from "./gemini/mod.ts";
import { bedrockCodec } from "./bedrock/mod.ts";

export const CODECS = {
  chat: chatCodec,
  messages: messagesCodec,
  responses: responsesCodec,
  gemini: geminiCodec,
  bedrock: bedrockCodec,
} as const satisfies Record<string, Codec>;

export type ApiName = keyof typeof CODECS;

/** The APIs clients may speak (their codec has the client's side). */
export type InboundApiName = {
  [K in ApiName]: (typeof CODECS)[K] extends InboundCodec ? K : never;
}[ApiName];

/** Every API, in registry order (the `api:` values a provider may have). */
export const API_NAMES = Object.keys(CODECS) as [ApiName, ...ApiName[]];

/** The APIs clients may speak to Plexus, in registry order. */
export const INBOUND_API_NAMES: readonly InboundApiName[] = API_NAMES.filter((
  api,
): api is InboundApiName => isInbound(CODECS[api]));

/** The dialect of a caller that shows none: OpenAI's, the one most clients speak. */
export const DEFAULT_DIALECT: InboundCodec = chatCodec;

/** The client's side of `api`; only called for APIs whose routes exist, so always present. */
export function inboundCodec(api: ApiName): InboundCodec {
  const codec: Codec = CODECS[api];
  if (!isInbound(codec)) throw new Error(`plexus: clients cannot speak '${api}'`);
  return codec;
}
