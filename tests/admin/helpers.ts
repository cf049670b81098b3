/** Shared set-up for the admin API tests. */
import type { Config } from "../../src/config/types.ts";

export function adminHeaders(config: Config): Record<string, string> {
  return { authorization: `Bearer ${config.adminKey}` };
}

export async function getJson(
  url: string,
  headers: Record<string, string>,
  method = "GET",
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, { method, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `error` object of an admin error body; fails the test when the shape is wrong. */
export function errorOf(body: unknown): { message: string; type: string } {
  if (!isRecord(body) || !isRecord(body.error)) throw new Error(`not an error body: ${body}`);
  const { message, type } = body.error;
  if (typeof message !== "string" || typeof type !== "string") {
    throw new Error(`error body without message and type: ${JSON.stringify(body)}`);
  }
  return { message, type };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
