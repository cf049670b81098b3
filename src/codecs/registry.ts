/** Every wire API Plexus speaks. Adding an API means adding its module and one line here. */
import type { Codec } from "./codec.ts";
import type { ApiName } from "./unified.ts";
import { chatCodec } from "./chat/mod.ts";
import { messagesCodec } from "./messages/mod.ts";
import { responsesCodec } from "./responses/mod.ts";
import { geminiCodec } from "./gemini/mod.ts";

export const CODECS: Readonly<Record<ApiName, Codec>> = {
  chat: chatCodec,
  messages: messagesCodec,
  responses: responsesCodec,
  gemini: geminiCodec,
};
