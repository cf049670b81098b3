import assert from "node:assert/strict";
import { constantTimeEqual, KeyRing, presentedSecret } from "../../src/auth/client_keys.ts";
import { geminiCodec } from "../../src/codecs/gemini/mod.ts";

const url = new URL("http://localhost/v1/messages");

const GEMINI = geminiCodec.recognise.keyPlaces;

Deno.test("a client key is found in Bearer, x-api-key, and for Gemini x-goog-api-key or ?key=", () => {
  assert.equal(presentedSecret(new Headers({ authorization: "Bearer abc" }), url), "abc");
  assert.equal(presentedSecret(new Headers({ "x-api-key": "def" }), url), "def");
  assert.equal(presentedSecret(new Headers({ "x-goog-api-key": "ghi" }), url, GEMINI), "ghi");
  const keyInQuery = new URL("http://h/x?key=jkl");
  assert.equal(presentedSecret(new Headers(), keyInQuery, GEMINI), "jkl");
  assert.equal(presentedSecret(new Headers(), url, GEMINI), undefined);
});

Deno.test("x-goog-api-key and ?key= count only where the dialect's SDKs use them", () => {
  assert.equal(presentedSecret(new Headers({ "x-goog-api-key": "ghi" }), url), undefined);
  assert.equal(presentedSecret(new Headers(), new URL("http://h/x?key=jkl")), undefined);
});

Deno.test("the key ring names the matching key and rejects near misses", () => {
  const ring = new KeyRing([{ name: "laptop", secret: "s3cret" }, { name: "ci", secret: "other" }]);
  assert.equal(ring.identify("s3cret"), "laptop");
  assert.equal(ring.identify("other"), "ci");
  assert.equal(ring.identify("s3cre"), undefined);
  assert.equal(ring.identify("s3cret!"), undefined);
  assert.equal(ring.identify(undefined), undefined);
});

Deno.test("constant-time comparison agrees with plain equality", () => {
  const e = new TextEncoder();
  assert.equal(constantTimeEqual(e.encode("abc"), e.encode("abc")), true);
  assert.equal(constantTimeEqual(e.encode("abc"), e.encode("abd")), false);
  assert.equal(constantTimeEqual(e.encode("abc"), e.encode("ab")), false);
});
