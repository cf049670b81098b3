/** Image sources -> Gemini `inlineData` / `fileData` parts (ai.google.dev/api/caching#Part). */
import type { ImageSource } from "../unified.ts";
import type { GeminiPart } from "./wire.ts";

const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
};

const DEFAULT_IMAGE_MIME = "image/jpeg";

/** `data:` URLs (what OpenAI clients send) become inline data; other URLs stay URLs. */
export function imagePart(source: ImageSource): GeminiPart {
  if (source.kind === "base64") {
    return { inlineData: { mimeType: source.mediaType, data: source.data } };
  }
  const inline = parseDataUrl(source.url);
  if (inline !== undefined) return { inlineData: inline };
  return { fileData: { mimeType: guessImageMime(source.url), fileUri: source.url } };
}

function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const match = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (match === null) return undefined;
  return { mimeType: match[1] ?? DEFAULT_IMAGE_MIME, data: match[2] };
}

export function guessImageMime(url: string): string {
  const path = url.split(/[?#]/)[0];
  const dot = path.lastIndexOf(".");
  if (dot === -1 || dot < path.lastIndexOf("/")) return DEFAULT_IMAGE_MIME;
  return MIME_BY_EXTENSION[path.slice(dot + 1).toLowerCase()] ?? DEFAULT_IMAGE_MIME;
}
