/**
 * The teams sections of `plexus.yaml` (docs/teams.md): client keys with scopes and limits,
 * `limits:` (on a key, or on an alias counted over every key), and `state:` (where shared state
 * lives).
 */
import { z } from "zod";

const positiveInt = z.number().int().positive();

export const BUDGET_PERIODS = ["day", "week", "month", "total"] as const;

export const budgetSchema = z.strictObject({
  usd: z.number().positive(),
  /** Calendar periods in UTC; weeks start on Monday. */
  period: z.enum(BUDGET_PERIODS),
});

export const rateLimitsSchema = z.strictObject({
  requests_per_minute: positiveInt.optional(),
  /** Input plus output tokens. */
  tokens_per_minute: positiveInt.optional(),
  max_concurrent: positiveInt.optional(),
  budget: budgetSchema.optional(),
});

export type RateLimitsFile = z.infer<typeof rateLimitsSchema>;

/** Names of keys created through the API appear in URLs (`/v0/keys/{name}`), logs and labels. */
export const KEY_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export const keySchema = z.strictObject({
  name: z.string().min(1),
  secret: z.string().min(1),
  /** Aliases (or provider/model names) the key may use; `*` globs allowed; absent = all. */
  models: z.array(z.string().min(1)).optional(),
  limits: rateLimitsSchema.optional(),
});

function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "redis:" || url.protocol === "rediss:") && url.hostname !== "";
  } catch {
    return false;
  }
}

export const stateSchema = z.discriminatedUnion("store", [
  z.strictObject({ store: z.literal("file") }),
  z.strictObject({
    store: z.literal("redis"),
    url: z.string().refine(isRedisUrl, {
      message: "expected a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0",
    }),
    prefix: z.string().min(1).optional(),
    /** How long a request waits for Redis before using local state instead. */
    timeout_ms: z.number().int().positive().optional(),
  }),
]);

export type StateFile = z.infer<typeof stateSchema>;
