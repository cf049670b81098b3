/**
 * How provider calls reach the network: Plexus's own HTTP/1.1 client, or `fetch` when an HTTP
 * proxy is configured in the environment (which only `fetch` honours) or when asked for with
 * `PLEXUS_UPSTREAM_CLIENT=fetch`.
 */
import { Http1Client } from "./http1/client.ts";
import {
  type SendUpstream,
  TransportError,
  type TransportFailureKind,
  type UpstreamResponse,
} from "./types.ts";

export type { SendUpstream };

export interface UpstreamTransport {
  name: "http1" | "fetch";
  send: SendUpstream;
  /** Closes pooled connections (shutdown). */
  close(): void;
}

const PROXY_VARIABLES = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "ALL_PROXY",
  "all_proxy",
];

export function createUpstreamTransport(
  userAgent: string,
  env: (name: string) => string | undefined = readEnv,
): UpstreamTransport {
  const forced = env("PLEXUS_UPSTREAM_CLIENT");
  const proxied = PROXY_VARIABLES.some((name) => (env(name) ?? "") !== "");
  if (forced === "fetch" || (proxied && forced !== "http1")) {
    return { name: "fetch", send: viaFetch, close() {} };
  }
  const client = new Http1Client({ maxIdlePerOrigin: 256, idleTimeoutMs: 60_000, userAgent });
  return { name: "http1", send: client.request, close: () => client.close() };
}

/** The runtime's `fetch`, seen through the same interface. */
export const viaFetch: SendUpstream = async (url, init) => {
  let response: Response;
  try {
    // Never follow a redirect: the provider's key and the prompt would go to another address.
    // The 3xx itself comes back and is the provider's failure (gateway/misfit_answer.ts).
    response = await fetch(url, { ...init, redirect: "manual" });
  } catch (error) {
    throw init.signal.aborted ? error : fetchError(error);
  }
  return fromWebResponse(response);
};

/**
 * A `fetch` failure as a `TransportError`. Deno's `fetch` says only "fetch failed" and names the
 * reason in its `cause` chain ("Connection refused", "dns error", "connection closed before
 * message completed"): the one place where message text has to be read.
 */
export function fetchError(error: unknown): TransportError {
  const text = errorChainText(error);
  return new TransportError(fetchFailureKind(text), "exchange", text, { cause: error });
}

function fetchFailureKind(text: string): TransportFailureKind {
  if (/connection refused|ECONNREFUSED/i.test(text)) return "refused";
  if (/reset|ECONNRESET|connection closed before message completed/i.test(text)) return "reset";
  if (/dns|lookup|name or service|ENOTFOUND/i.test(text)) return "dns";
  if (/certificate|tls|ssl/i.test(text)) return "tls";
  return "other";
}

function errorChainText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" | ");
}

function fromWebResponse(response: Response): UpstreamResponse {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return {
    status: response.status,
    headers: response.headers,
    async read() {
      if (response.body === null) return undefined;
      reader ??= response.body.getReader();
      const { value, done } = await reader.read();
      return done ? undefined : value;
    },
    text: () => response.text(),
    cancel() {
      const cancelled = reader === undefined ? response.body?.cancel() : reader.cancel();
      cancelled?.catch(() => {});
    },
  };
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}
