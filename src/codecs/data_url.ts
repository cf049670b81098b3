/** Images as URLs: base64 `data:` URLs (RFC 2397), as OpenAI clients send inline images. */
import type { ImageSource } from "./unified.ts";

const BASE64_DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** `data:<media type>;base64,<data>` -> its parts; undefined for any other URL. */
export function parseBase64DataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = BASE64_DATA_URL.exec(url);
  return match === null ? undefined : { mediaType: match[1], data: match[2] };
}

/** An image source as one URL: a URL as given, inline data as a base64 data URL. */
export function imageSourceUrl(source: ImageSource): string {
  return source.kind === "url" ? source.url : `data:${source.mediaType};base64,${source.data}`;
}
