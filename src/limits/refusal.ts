/**
 * How limits show on the wire: the `x-ratelimit-*` headers OpenAI documents ("Rate limits",
 * "Rate limits in headers"), `retry-after` / `retry-after-ms` that the official SDKs honour, and
 * the errors for a refused request (429, or 403 for a model outside the key's scope).
 */
import { GatewayError } from "../codecs/unified.ts";
import type { Quota, Refusal } from "./admission.ts";
import { fromNanoUsd, toNanoUsd } from "./periods.ts";

/** `20ms`, `1.5s`, `6m0s`: the duration format of OpenAI's `x-ratelimit-reset-*` headers. */
export function resetDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole < 1000) return `${whole}ms`;
  if (whole < 60_000) return `${Math.round(whole / 10) / 100}s`;
  const minutes = Math.floor(whole / 60_000);
  return `${minutes}m${Math.ceil((whole - minutes * 60_000) / 1000)}s`;
}

export function quotaHeaders(quota: Quota): Record<string, string> {
  const headers: Record<string, string> = {};
  if (quota.requests !== undefined) {
    headers["x-ratelimit-limit-requests"] = String(quota.requests.limit);
    headers["x-ratelimit-remaining-requests"] = String(Math.max(0, quota.requests.remaining));
    headers["x-ratelimit-reset-requests"] = resetDuration(quota.requests.resetMs);
  }
  if (quota.tokens !== undefined) {
    headers["x-ratelimit-limit-tokens"] = String(quota.tokens.limit);
    headers["x-ratelimit-remaining-tokens"] = String(Math.max(0, quota.tokens.remaining));
    headers["x-ratelimit-reset-tokens"] = resetDuration(quota.tokens.resetMs);
  }
  return headers;
}

export function refusalHeaders(refusal: Refusal, quota: Quota): Record<string, string> {
  const headers = quotaHeaders(quota);
  if (refusal.retryAfterMs !== undefined) {
    headers["retry-after-ms"] = String(Math.ceil(refusal.retryAfterMs));
  }
  return headers;
}

function usd(amount: number): string {
  return `$${fromNanoUsd(toNanoUsd(amount)).toFixed(2)}`;
}

export function refusalError(refusal: Refusal): GatewayError {
  const { subject } = refusal;
  const limits = subject.limits;
  const retryAfter = refusal.retryAfterMs === undefined
    ? undefined
    : Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
  switch (refusal.reason) {
    case "budget": {
      const budget = limits.budget!;
      const resets = refusal.resetsAt === undefined
        ? "It is a total budget and does not reset."
        : `It resets at ${new Date(refusal.resetsAt).toISOString()}.`;
      const per = budget.period === "total" ? "in total" : `per ${budget.period} (UTC)`;
      return new GatewayError(
        "rate_limit",
        `Budget exhausted for ${subject.label}: ${usd(budget.usd)} ${per}. ${resets}`,
        { retryAfter, code: "insufficient_quota" },
      );
    }
    case "concurrency":
      return new GatewayError(
        "rate_limit",
        `Too many requests in flight for ${subject.label}: at most ${limits.maxConcurrent} at once.`,
        { retryAfter, code: "rate_limit_exceeded" },
      );
    case "requests":
      return new GatewayError(
        "rate_limit",
        `Rate limit reached for ${subject.label}: ${limits.requestsPerMinute} requests per minute.`,
        { retryAfter, code: "rate_limit_exceeded" },
      );
    case "tokens":
      return new GatewayError(
        "rate_limit",
        `Rate limit reached for ${subject.label}: ${limits.tokensPerMinute} tokens per minute (input and output).`,
        { retryAfter, code: "rate_limit_exceeded" },
      );
  }
}

export function scopeError(keyName: string, model: string): GatewayError {
  return new GatewayError(
    "permission",
    `The key '${keyName}' is not allowed to use the model '${model}'.`,
    { param: "model", code: "model_not_allowed" },
  );
}
