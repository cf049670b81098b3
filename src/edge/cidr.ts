/**
 * IPv4 and IPv6 address ranges in CIDR notation (`10.0.0.0/8`, `::1/128`, or a single address),
 * for `server.trusted_proxies`. Addresses are compared as 128-bit numbers; an IPv4 address and
 * its IPv4-mapped IPv6 form (`::ffff:10.0.0.1`, as dual-stack sockets report it) are the same.
 */

export interface Cidr {
  /** The network address as a 128-bit number (IPv4 mapped into `::ffff:0:0/96`). */
  network: bigint;
  /** Prefix length out of 128. */
  bits: number;
}

const V4_MAPPED = 0xffffn << 32n;

/** The address as a 128-bit number, or undefined when it is not a literal IPv4 or IPv6 address. */
export function parseIp(text: string): bigint | undefined {
  const address = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (address.includes(":")) return parseV6(address.replace(/%.*$/, ""));
  const v4 = parseV4(address);
  return v4 === undefined ? undefined : V4_MAPPED | v4;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  const address = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const isV4 = !text.slice(0, slash < 0 ? undefined : slash).includes(":");
  const max = isV4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const prefix = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return undefined;
    bits = Number(prefix);
  }
  const total = isV4 ? bits + 96 : bits;
  return { network: address & maskOf(total), bits: total };
}

export function cidrContains(cidr: Cidr, address: bigint): boolean {
  return (address & maskOf(cidr.bits)) === cidr.network;
}

function maskOf(bits: number): bigint {
  if (bits === 0) return 0n;
  return ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseV6(text: string): bigint | undefined {
  let head = text;
  let tail4: bigint | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    tail4 = parseV4(text.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groupsOf(halves[0]);
  const right = halves.length === 2 ? groupsOf(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return tail4 === undefined ? value : (value & ~0xffffffffn) | tail4;
}
