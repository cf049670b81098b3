import assert from "node:assert/strict";
import { imageSourceUrl, parseBase64DataUrl } from "../../src/codecs/data_url.ts";

Deno.test("a base64 data URL splits into media type and data, and is built back unchanged", () => {
  const url = "data:image/png;base64,iVBORw0KGgo=";
  const parsed = parseBase64DataUrl(url);
  assert.deepEqual(parsed, { mediaType: "image/png", data: "iVBORw0KGgo=" });
  assert.equal(imageSourceUrl({ kind: "base64", ...parsed! }), url);
});

Deno.test("http URLs and data URLs that are not base64 are not read as inline data", () => {
  assert.equal(parseBase64DataUrl("https://example.com/cat.png"), undefined);
  assert.equal(parseBase64DataUrl("data:text/plain,hello"), undefined);
  assert.equal(
    imageSourceUrl({ kind: "url", url: "https://example.com/cat.png" }),
    "https://example.com/cat.png",
  );
});
