/**
 * The client address for logs: the socket's peer, unless that peer is one of
 * `server.trusted_proxies`; then the forwarding headers it added say who it spoke for.
 * `Forwarded` (RFC 7239) is preferred to `X-Forwarded-For`. Both are read from the right: each
 * trusted proxy appended the address it saw, so the first untrusted one from the right is the
 * client (anything left of it could have been sent by the client itself).
 */
import { type Cidr, cidrContains, parseCidr, parseIp } from "./cidr.ts";

/** Forwarding headers longer than this are not read (hostile input; real chains are short). */
const MAX_HEADER_CHARS = 4096;
const MAX_HOPS = 32;

export class TrustedProxies {
  readonly #ranges: Cidr[];

  constructor(cidrs: readonly string[]) {
    this.#ranges = cidrs.map(parseCidr).filter((cidr): cidr is Cidr => cidr !== undefined);
  }

  get empty(): boolean {
    return this.#ranges.length === 0;
  }

  trusts(address: string): boolean {
    const parsed = parseIp(address);
    return parsed !== undefined && this.#ranges.some((range) => cidrContains(range, parsed));
  }

  /** The client's address given the socket's peer and the request's headers. */
  clientIp(peer: string | undefined, headers: Headers): string | undefined {
    if (peer === undefined || this.#ranges.length === 0 || !this.trusts(peer)) return peer;
    const hops = forwardedHops(headers);
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i];
      // "unknown" or an obfuscated name (RFC 7239 section 6): the chain cannot be followed further.
      if (parseIp(hop) === undefined) break;
      client = hop;
      if (!this.trusts(hop)) break;
    }
    return client;
  }
}

/** The addresses of the forwarding chain, oldest first, ports and brackets removed. */
export function forwardedHops(headers: Headers): string[] {
  const forwarded = headers.get("forwarded");
  if (forwarded !== null && forwarded.length <= MAX_HEADER_CHARS) {
    const hops: string[] = [];
    for (const element of forwarded.split(",").slice(-MAX_HOPS)) {
      const match = /(?:^|;)\s*for\s*=\s*("[^"]*"|[^;,\s]*)/i.exec(element);
      if (match !== null) hops.push(nodeAddress(match[1].replace(/^"|"$/g, "")));
    }
    if (hops.length > 0) return hops;
  }
  const xff = headers.get("x-forwarded-for");
  if (xff === null || xff.length > MAX_HEADER_CHARS) return [];
  return xff.split(",").slice(-MAX_HOPS).map((hop) => nodeAddress(hop.trim()));
}

/** `[2001:db8::1]:4711` -> `2001:db8::1`; `192.0.2.1:80` -> `192.0.2.1`; others unchanged. */
function nodeAddress(node: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(node);
  if (bracketed !== null) return bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(node);
  return v4WithPort !== null ? v4WithPort[1] : node;
}

const cache = new WeakMap<readonly string[], TrustedProxies>();

/** One parsed set per config (configs are replaced whole on reload, never changed in place). */
export function trustedProxiesOf(cidrs: readonly string[]): TrustedProxies {
  let trusted = cache.get(cidrs);
  if (trusted === undefined) cache.set(cidrs, trusted = new TrustedProxies(cidrs));
  return trusted;
}
