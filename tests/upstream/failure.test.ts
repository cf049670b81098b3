import assert from "node:assert/strict";
import {
  failureForStatus,
  parseDuration,
  retryAfterFromHeaders,
} from "../../src/upstream/failure.ts";

const now = Date.parse("2026-11-22T12:00:00Z");

Deno.test("retry-after-ms wins, then retry-after seconds or date", () => {
  assert.equal(
    retryAfterFromHeaders(new Headers({ "retry-after-ms": "1500", "retry-after": "9" }), now),
    1500,
  );
  assert.equal(retryAfterFromHeaders(new Headers({ "retry-after": "7" }), now), 7000);
  assert.equal(
    retryAfterFromHeaders(new Headers({ "retry-after": "Sun, 22 Nov 2026 12:00:30 GMT" }), now),
    30_000,
  );
});

Deno.test("Anthropic and OpenAI rate-limit reset headers give the longest wait", () => {
  const anthropic = new Headers({
    "anthropic-ratelimit-requests-reset": "2026-11-22T12:00:10Z",
    "anthropic-ratelimit-tokens-reset": "2026-11-22T12:00:40Z",
  });
  assert.equal(retryAfterFromHeaders(anthropic, now), 40_000);
  const openai = new Headers({
    "x-ratelimit-reset-requests": "1s",
    "x-ratelimit-reset-tokens": "6m0s",
  });
  assert.equal(retryAfterFromHeaders(openai, now), 360_000);
  assert.equal(retryAfterFromHeaders(new Headers(), now), undefined);
});

Deno.test("OpenAI reset durations parse with hours, minutes, seconds and milliseconds", () => {
  assert.equal(parseDuration("120ms"), 120);
  assert.equal(parseDuration("1h2m3.5s"), 3_723_500);
  assert.equal(parseDuration("soon"), undefined);
});

Deno.test("client mistakes do not fall back; rate limits, server errors and bad upstream keys do", () => {
  for (const status of [400, 404, 413, 422]) {
    assert.equal(failureForStatus(status, "m", undefined).fallback, false);
  }
  for (const status of [408, 429, 500, 502, 503, 529]) {
    const f = failureForStatus(status, "m", undefined);
    assert.equal(f.fallback, true);
    assert.equal(f.providerWide, false);
  }
  for (const status of [401, 403]) {
    const f = failureForStatus(status, "m", undefined);
    assert.equal(f.fallback, true);
    assert.equal(f.providerWide, true);
  }
});
