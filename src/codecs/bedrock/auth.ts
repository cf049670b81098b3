/**
 * How a Bedrock call is authorized: AWS Signature Version 4 for service `bedrock` in the
 * provider's region ("Signing AWS API requests"), or, with a Bedrock API key, the bearer token
 * `upstreamHeaders` already set.
 */
import type { AwsSettings, OutgoingCall, UpstreamAuth } from "../codec.ts";
import { SigV4Signer } from "./sigv4.ts";

/** One signer per credentials object, so its day's signing key is derived once. */
const signers = new WeakMap<AwsSettings, SigV4Signer>();

function signerFor(aws: AwsSettings): SigV4Signer {
  let signer = signers.get(aws);
  if (signer === undefined) {
    signer = new SigV4Signer(
      {
        accessKeyId: aws.accessKeyId,
        secretAccessKey: aws.secretAccessKey,
        sessionToken: aws.sessionToken,
      },
      { region: aws.region, service: "bedrock" },
    );
    signers.set(aws, signer);
  }
  return signer;
}

/**
 * The `x-amz-date`, `x-amz-security-token` and `authorization` headers for a call; none with
 * an API key. Signed: `host`, `content-type` and the `x-amz-*` headers.
 */
export async function signBedrockCall(
  call: OutgoingCall,
  auth: UpstreamAuth,
  now: Date = new Date(),
): Promise<Record<string, string>> {
  if (auth.aws === undefined || auth.apiKey !== undefined) return {};
  const url = new URL(call.url);
  const contentType = Object.entries(call.headers)
    .find(([name]) => name.toLowerCase() === "content-type")?.[1] ?? "application/json";
  const signature = await signerFor(auth.aws).sign(
    {
      method: "POST",
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      headers: [["host", url.host], ["content-type", contentType]],
      body: call.body,
    },
    now,
  );
  return Object.fromEntries(signature.headers);
}
