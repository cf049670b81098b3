/**
 * `/v0/keys` (docs/teams.md, "Managing keys"): create a key (its secret is shown once), list
 * keys with their usage against each limit, change a key's scope or limits, revoke it. Keys of
 * the config file are listed but cannot be changed or deleted here.
 */
import { z } from "zod";
import { buildRateLimits } from "../config/build_teams.ts";
import { KEY_NAME, rateLimitsSchema } from "../config/teams_schema.ts";
import type { AliasConfig, RateLimits } from "../config/types.ts";
import type { KeyEntry } from "../keys/registry.ts";
import { type KeyChanges, KeyConflict, type KeyService } from "../keys/service.ts";
import type { LimitSubject, SubjectUsage } from "../limits/admission.ts";
import { periodWindow } from "../limits/periods.ts";
import { adminError, adminJson } from "./errors.ts";

export interface KeysAdminOptions {
  keys: KeyService;
  /** Current counters of a key (from Redis when shared). */
  usage(subject: LimitSubject, now: number): Promise<SubjectUsage>;
  clock?: () => number;
}

const createSchema = z.strictObject({
  name: z.string().regex(KEY_NAME, "expected 1-64 letters, digits, '.', '_' or '-'"),
  models: z.array(z.string().min(1)).nullable().optional(),
  limits: rateLimitsSchema.nullable().optional(),
});

const patchSchema = z.strictObject({
  models: z.array(z.string().min(1)).nullable().optional(),
  limits: rateLimitsSchema.nullable().optional(),
});

const MAX_BODY_BYTES = 64 * 1024;

function round(value: number, digits = 6): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function limitsView(limits: RateLimits | undefined) {
  if (limits === undefined) return null;
  return {
    requests_per_minute: limits.requestsPerMinute ?? null,
    tokens_per_minute: limits.tokensPerMinute ?? null,
    max_concurrent: limits.maxConcurrent ?? null,
    budget: limits.budget ?? null,
  };
}

/** Usage against each limit the key has. */
function usageView(limits: RateLimits, usage: SubjectUsage, now: number) {
  const view: Record<string, unknown> = {};
  if (limits.requestsPerMinute !== undefined) {
    view.requests_per_minute = { limit: limits.requestsPerMinute, used: usage.requestsLastMinute };
  }
  if (limits.tokensPerMinute !== undefined) {
    view.tokens_per_minute = {
      limit: limits.tokensPerMinute,
      used: usage.tokensLastMinute,
      reserved: usage.reservedTokens,
    };
  }
  if (limits.maxConcurrent !== undefined) {
    view.max_concurrent = { limit: limits.maxConcurrent, in_flight: usage.inFlight };
  }
  if (limits.budget !== undefined) {
    const end = periodWindow(limits.budget.period, now).end;
    view.budget = {
      usd: limits.budget.usd,
      period: limits.budget.period,
      spent_usd: round(usage.budgetNanoUsd / 1e9),
      reserved_usd: round(usage.reservedNanoUsd / 1e9),
      remaining_usd: round(Math.max(0, limits.budget.usd - usage.budgetNanoUsd / 1e9)),
      resets_at: end === undefined ? null : new Date(end).toISOString(),
    };
  }
  return view;
}

/** Every alias with limits, with its usage against each (all keys together). */
export async function aliasLimitsView(
  aliases: Record<string, AliasConfig>,
  usage: KeysAdminOptions["usage"],
  now: number,
): Promise<unknown[]> {
  const limited = Object.values(aliases).filter((alias) => alias.limits !== undefined);
  return await Promise.all(limited.map(async (alias) => {
    const limits = alias.limits!;
    const used = await usage(
      { id: `alias:${alias.name}`, label: `alias '${alias.name}'`, limits },
      now,
    );
    return { alias: alias.name, limits: limitsView(limits), usage: usageView(limits, used, now) };
  }));
}

export class KeysAdmin {
  readonly #options: KeysAdminOptions;
  readonly #clock: () => number;

  constructor(options: KeysAdminOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  /** Serves `/v0/keys` and `/v0/keys/{name}`; the caller checked the admin key. */
  async handle(request: Request, url: URL): Promise<Response> {
    const rest = url.pathname.slice("/v0/keys".length);
    if (rest === "" || rest === "/") {
      if (request.method === "GET" || request.method === "HEAD") return await this.#list();
      if (request.method === "POST") return await this.#create(request);
      return notAllowed(request.method, url.pathname, "GET, POST");
    }
    let name: string;
    try {
      name = decodeURIComponent(rest.slice(1));
    } catch {
      return adminError(400, "invalid_request_error", "The key name in the path is malformed.");
    }
    switch (request.method) {
      case "GET":
      case "HEAD":
        return await this.#show(name);
      case "PATCH":
        return await this.#patch(name, request);
      case "DELETE":
        return await this.#delete(name);
      default:
        return notAllowed(request.method, url.pathname, "GET, PATCH, DELETE");
    }
  }

  async #view(entry: KeyEntry) {
    const now = this.#clock();
    const key = entry.key;
    const runtime = this.#options.keys.runtimeKey(key.name);
    const limits = key.limits;
    const usage = limits === undefined ? undefined : await this.#options.usage(
      { id: `key:${key.name}`, label: `key '${key.name}'`, limits },
      now,
    );
    return {
      name: key.name,
      source: entry.source,
      models: key.models ?? null,
      limits: limitsView(limits),
      usage: limits === undefined || usage === undefined ? null : usageView(limits, usage, now),
      created_at: runtime?.createdAt ?? null,
      updated_at: runtime?.updatedAt ?? null,
    };
  }

  async #list(): Promise<Response> {
    const entries = this.#options.keys.registry.entries();
    return adminJson({ data: await Promise.all(entries.map((entry) => this.#view(entry))) });
  }

  async #show(name: string): Promise<Response> {
    const entry = this.#options.keys.registry.get(name);
    if (entry === undefined) return notFound(name);
    return adminJson(await this.#view(entry));
  }

  async #create(request: Request): Promise<Response> {
    const body = await readBody(request, createSchema);
    if (body instanceof Response) return body;
    try {
      const secret = await this.#options.keys.create(
        body.name,
        changesOf(body),
        new Date(this.#clock()),
      );
      const entry = this.#options.keys.registry.get(body.name)!;
      return adminJson({ ...await this.#view(entry), secret }, 201);
    } catch (error) {
      if (error instanceof KeyConflict) {
        return adminError(409, "invalid_request_error", error.message);
      }
      return storeFailed(error);
    }
  }

  async #patch(name: string, request: Request): Promise<Response> {
    const entry = this.#options.keys.registry.get(name);
    if (entry === undefined) return notFound(name);
    if (entry.source === "config") return configKey(name, "changed");
    const body = await readBody(request, patchSchema);
    if (body instanceof Response) return body;
    try {
      await this.#options.keys.update(name, changesOf(body), new Date(this.#clock()));
    } catch (error) {
      return storeFailed(error);
    }
    const updated = this.#options.keys.registry.get(name);
    return updated === undefined ? notFound(name) : adminJson(await this.#view(updated));
  }

  async #delete(name: string): Promise<Response> {
    const entry = this.#options.keys.registry.get(name);
    if (entry === undefined) return notFound(name);
    if (entry.source === "config") return configKey(name, "deleted");
    try {
      await this.#options.keys.remove(name);
    } catch (error) {
      return storeFailed(error);
    }
    return adminJson({ name, deleted: true });
  }
}

function changesOf(
  body: { models?: string[] | null; limits?: z.infer<typeof rateLimitsSchema> | null },
) {
  const changes: KeyChanges = {};
  if (body.models !== undefined) changes.models = body.models;
  if (body.limits !== undefined) {
    changes.limits = body.limits === null ? null : buildRateLimits(body.limits) ?? null;
  }
  return changes;
}

async function readBody<T>(request: Request, schema: z.ZodType<T>): Promise<T | Response> {
  const text = await request.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    return adminError(413, "invalid_request_error", "The body is too large.");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return adminError(400, "invalid_request_error", "The body must be a JSON object.");
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.join(".");
  return adminError(
    400,
    "invalid_request_error",
    `${path === "" ? "body" : path}: ${issue.message}`,
  );
}

function notFound(name: string): Response {
  return adminError(404, "not_found_error", `No key named '${name}'.`);
}

function configKey(name: string, what: string): Response {
  return adminError(
    409,
    "invalid_request_error",
    `The key '${name}' is defined in the config file and cannot be ${what} through the API; edit the config instead.`,
  );
}

function notAllowed(method: string, path: string, allow: string): Response {
  return adminError(
    405,
    "invalid_request_error",
    `Method ${method} is not allowed on ${path}; use ${allow}.`,
    { allow },
  );
}

function storeFailed(error: unknown): Response {
  return adminError(
    503,
    "api_error",
    `The key store is unavailable: ${error instanceof Error ? error.message : String(error)}`,
  );
}
