import assert from "node:assert/strict";
import { canonicalUri, signRequest, SigV4Signer } from "../../../src/codecs/bedrock/sigv4.ts";

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const options = { region: "us-east-1", service: "bedrock" };

Deno.test("a model id's colon, sent as %3A, is signed as %253A (encoded twice, not S3)", () => {
  assert.equal(
    canonicalUri("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse", true),
    "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%253A0/converse",
  );
});

Deno.test("an ARN model id stays one segment: its slashes, sent as %2F, are signed as %252F", () => {
  const arn = encodeURIComponent(
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
  );
  assert.equal(
    canonicalUri(`/model/${arn}/converse-stream`, true),
    "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A123456789012%253A" +
      "application-inference-profile%252Fabc/converse-stream",
  );
});

Deno.test("a session token is sent and signed as x-amz-security-token", async () => {
  const signed = await signRequest(
    {
      method: "POST",
      path: "/model/m/converse",
      query: "",
      headers: [["host", "bedrock-runtime.us-east-1.amazonaws.com"]],
      body: "{}",
    },
    { ...credentials, sessionToken: "TOKEN" },
    options,
    new Date("2026-01-02T03:04:05Z"),
  );
  const headers = new Map(signed.headers);
  assert.equal(headers.get("x-amz-security-token"), "TOKEN");
  assert.equal(headers.get("x-amz-date"), "20260102T030405Z");
  assert.match(
    headers.get("authorization")!,
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260102\/us-east-1\/bedrock\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
  );
});

Deno.test("the signer's cached key gives the same signature as a fresh derivation, across days", async () => {
  const signer = new SigV4Signer(credentials, options);
  const request = {
    method: "POST",
    path: "/model/m/converse",
    query: "",
    headers: [["host", "h"], ["content-type", "application/json"]] as Array<[string, string]>,
    body: '{"messages":[]}',
  };
  for (const at of ["2026-01-02T03:04:05Z", "2026-01-02T23:59:59Z", "2026-01-03T00:00:01Z"]) {
    const now = new Date(at);
    const cached = await signer.sign(request, now);
    const fresh = await signRequest(request, credentials, options, now);
    assert.equal(cached.signature, fresh.signature, at);
  }
});
