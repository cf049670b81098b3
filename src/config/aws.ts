/**
 * The `aws` block of an `api: bedrock` provider, and where each of its values may come from:
 * the YAML (usually through `${VAR}`), else the standard AWS environment variables
 * (`AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`, and `AWS_BEARER_TOKEN_BEDROCK` for a Bedrock API key), as the AWS SDKs
 * read them.
 */
import { z } from "zod";
import type { AwsSettings } from "../codecs/codec.ts";
import type { Env } from "./env.ts";

export const awsSchema = z.strictObject({
  region: z.string().optional(),
  access_key_id: z.string().optional(),
  secret_access_key: z.string().optional(),
  session_token: z.string().optional(),
});

export type AwsFile = z.infer<typeof awsSchema>;

export interface BedrockAuth {
  baseUrl?: string;
  aws?: AwsSettings;
  apiKey?: string;
  /** Why the provider cannot be used (missing credentials or region), for the warning. */
  problem?: string;
}

/**
 * A YAML `api_key` is a Bedrock API key (bearer token) and wins; else access key and secret
 * sign with SigV4; else `AWS_BEARER_TOKEN_BEDROCK`. `base_url` replaces the regional endpoint
 * `https://bedrock-runtime.{region}.amazonaws.com`.
 */
export function bedrockAuth(
  aws: AwsFile,
  apiKey: string | undefined,
  baseUrl: string | undefined,
  env: Env,
): BedrockAuth {
  const given = (value: string | undefined) =>
    value === undefined || value === "" ? undefined : value;
  const region = given(aws.region) ?? given(env.AWS_REGION) ?? given(env.AWS_DEFAULT_REGION);
  const endpoint = baseUrl ??
    (region === undefined ? undefined : `https://bedrock-runtime.${region}.amazonaws.com`);
  const noRegion = "needs a region (aws.region, AWS_REGION or AWS_DEFAULT_REGION)";
  if (apiKey !== undefined) {
    return endpoint === undefined ? { problem: noRegion } : { baseUrl: endpoint, apiKey };
  }
  const accessKeyId = given(aws.access_key_id) ?? given(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = given(aws.secret_access_key) ?? given(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    // SigV4 names the region in every signature, even behind a custom base_url.
    if (region === undefined || endpoint === undefined) return { problem: noRegion };
    const sessionToken = given(aws.session_token) ?? given(env.AWS_SESSION_TOKEN);
    return {
      baseUrl: endpoint,
      aws: { region, accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    };
  }
  const bearer = given(env.AWS_BEARER_TOKEN_BEDROCK);
  if (bearer !== undefined) {
    return endpoint === undefined ? { problem: noRegion } : { baseUrl: endpoint, apiKey: bearer };
  }
  return {
    problem: "needs AWS credentials (aws.access_key_id and aws.secret_access_key, " +
      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or a Bedrock API key " +
      "(api_key or AWS_BEARER_TOKEN_BEDROCK)",
  };
}
