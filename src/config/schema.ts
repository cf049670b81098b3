/**
 * The shape of `plexus.yaml` as written (snake_case, everything optional that has a default).
 * Defaults and derived values are applied afterwards, in `build.ts`.
 */
import { z } from "zod";
import { API_NAMES } from "../codecs/registry.ts";
import { serverEdgeFields } from "./server_edge.ts";
import type { ModelKind, SelectorName } from "./types.ts";
import { telemetrySchema } from "./telemetry_schema.ts";
import { cloudProviderFields } from "./clouds.ts";
import { limitsSchema } from "./limits.ts";
import { keySchema, rateLimitsSchema, stateSchema } from "./teams_schema.ts";
import { awsSchema } from "./aws.ts";

export const SELECTOR_NAMES: readonly SelectorName[] = [
  "random",
  "weighted",
  "in_order",
  "lowest_latency",
  "lowest_cost",
];

export const MODEL_KINDS: readonly ModelKind[] = ["generation", "embedding"];

const price = z.number().nonnegative();
const positiveInt = z.number().int().positive();

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

const httpUrl = z.string().refine(isHttpUrl, { message: "expected an http:// or https:// URL" });

const timeoutsSchema = z.strictObject({
  connect_ms: positiveInt.optional(),
  first_byte_ms: positiveInt.optional(),
  idle_ms: positiveInt.optional(),
  total_ms: positiveInt.optional(),
});

const pricingSchema = z.strictObject({
  input: price.optional(),
  output: price.optional(),
  cache_read: price.optional(),
  cache_write: price.optional(),
  reasoning: price.optional(),
});

// `gpt-4o-mini:` with nothing after it is a model without settings.
const modelSchema = z.strictObject({
  pricing: pricingSchema.optional(),
  // `embedding`: served at /v1/embeddings and Gemini's embed methods only (docs/embeddings.md).
  kind: z.enum(MODEL_KINDS).optional(),
}).nullable();

const providerSchema = z.strictObject({
  api: z.enum(API_NAMES),
  // Required unless a cloud section (azure:, vertex:) names the endpoint (cloud_build.ts), or
  // for `api: bedrock`, whose regional endpoint is the default (aws.ts).
  base_url: httpUrl.optional(),
  ...cloudProviderFields,
  api_key: z.string().min(1).optional(),
  aws: awsSchema.optional(),
  headers: z.record(z.string(), z.string()).optional(),
  models: z.record(z.string(), modelSchema).optional(),
  enabled: z.boolean().optional(),
  timeouts: timeoutsSchema.optional(),
  default_max_tokens: positiveInt.optional(),
}).superRefine((provider, ctx) => {
  if (provider.api !== "bedrock" && provider.aws !== undefined) {
    ctx.addIssue({ code: "custom", path: ["aws"], message: "aws is only for api: bedrock" });
  }
});

const targetSchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  weight: z.number().positive().optional(),
  enabled: z.boolean().optional(),
});

const aliasSchema = z.strictObject({
  selector: z.enum(SELECTOR_NAMES).optional(),
  targets: z.array(targetSchema).min(1),
  max_attempts: positiveInt.optional(),
  limits: rateLimitsSchema.optional(),
  // Extra names and glob patterns that route here (src/routing/model_names.ts).
  match: z.array(z.string().min(1).max(200)).optional(),
});

const serverSchema = z.strictObject({
  host: z.string().min(1).optional(),
  // 0 asks the system for a free port (useful in tests).
  port: z.number().int().min(0).max(65535).optional(),
  data_dir: z.string().min(1).optional(),
  max_body_bytes: positiveInt.optional(),
  shutdown_grace_ms: z.number().int().nonnegative().optional(),
  ...serverEdgeFields,
  allowed_hosts: z.array(z.string().min(1)).optional(),
});

export const fileSchema = z.strictObject({
  server: serverSchema.optional(),
  admin_key: z.string().min(1).optional(),
  keys: z.array(keySchema).optional(),
  state: stateSchema.optional(),
  providers: z.record(z.string(), providerSchema).optional(),
  models: z.record(z.string(), aliasSchema).optional(),
  timeouts: timeoutsSchema.optional(),
  cooldown: z.strictObject({ base_ms: positiveInt.optional(), max_ms: positiveInt.optional() })
    .optional(),
  retry_on_connection_reset: z.boolean().optional(),
  unsupported_tools: z.enum(["drop", "reject"]).optional(),
  logging: z.strictObject({ bodies: z.boolean().optional() }).optional(),
  metrics: z.strictObject({ public: z.boolean().optional() }).optional(),
  telemetry: telemetrySchema.optional(),
  limits: limitsSchema.optional(),
});

export type ConfigFile = z.infer<typeof fileSchema>;
export type ProviderFile = z.infer<typeof providerSchema>;
export type TimeoutsFile = z.infer<typeof timeoutsSchema>;
export type PricingFile = z.infer<typeof pricingSchema>;

/** The keys allowed in the mapping at `path`, for "unknown key" messages. */
export function allowedKeysAt(path: readonly (string | number)[]): string[] {
  let schema: z.ZodType = fileSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[String(segment)];
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else return [];
    if (schema === undefined) return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}
