/**
 * Plexus's SigV4 signer against AWS's published Signature Version 4 test suite
 * (`tests/fixtures/sigv4/`, sources in its SOURCES.md): canonical request, string to sign and
 * Authorization header of every header-signed case.
 */
import assert from "node:assert/strict";
import { type RequestToSign, signRequest } from "../../../src/codecs/bedrock/sigv4.ts";

const SUITE = new URL("../../fixtures/sigv4/", import.meta.url);

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
}

/** `request.txt`: request line, `Name:value` headers (indented lines continue one), body. */
function parseRequest(text: string): RequestToSign {
  const [head, ...bodyParts] = text.split("\n\n");
  const [requestLine, ...headerLines] = head.split("\n");
  const method = requestLine.slice(0, requestLine.indexOf(" "));
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(" HTTP/1.1"));
  const question = target.indexOf("?");
  const headers: Array<[string, string]> = [];
  for (const line of headerLines) {
    if (/^\s/.test(line) && headers.length > 0) {
      headers[headers.length - 1][1] += "\n" + line;
    } else if (line !== "") {
      const colon = line.indexOf(":");
      headers.push([line.slice(0, colon), line.slice(colon + 1)]);
    }
  }
  return {
    method,
    path: question === -1 ? target : target.slice(0, question),
    query: question === -1 ? "" : target.slice(question + 1),
    headers,
    body: bodyParts.join("\n\n"),
  };
}

const cases = [...Deno.readDirSync(SUITE)].filter((entry) => entry.isDirectory)
  .map((entry) => entry.name).sort();

Deno.test("the SigV4 suite is all there", () => {
  assert.ok(cases.length >= 37, `found ${cases.length} cases`);
  assert.ok(cases.includes("get-vanilla") && cases.includes("post-sts-header-before"));
});

for (const name of cases) {
  const read = (file: string) => Deno.readTextFileSync(new URL(`${name}/${file}`, SUITE));
  const context = JSON.parse(read("context.json")) as Context;
  Deno.test(`SigV4 test suite: ${name}`, async () => {
    const signed = await signRequest(
      parseRequest(read("request.txt")),
      {
        accessKeyId: context.credentials.access_key_id,
        secretAccessKey: context.credentials.secret_access_key,
        sessionToken: context.credentials.token,
      },
      {
        region: context.region,
        service: context.service,
        normalizePath: context.normalize,
        signBody: context.sign_body,
      },
      new Date(context.timestamp),
    );
    assert.equal(signed.canonicalRequest, read("header-canonical-request.txt"));
    assert.equal(signed.stringToSign, read("header-string-to-sign.txt"));
    const expected = /^Authorization:(.*)$/m.exec(read("header-signed-request.txt"))?.[1];
    const authorization = signed.headers.find(([header]) => header === "authorization")?.[1];
    assert.equal(authorization, expected);
  });
}
