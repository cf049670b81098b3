/**
 * With authentication off (`--allow-no-auth`), a page in the user's browser could still reach
 * Plexus through DNS rebinding: its own name, re-pointed at 127.0.0.1. Such requests carry the
 * page's name in `Host`, so only loopback names (and the configured `server.allowed_hosts`) are
 * served then.
 */

/** `localhost`, `*.localhost` (RFC 6761 section 6.3), 127.0.0.0/8 and [::1], any port. */
export function isLoopbackHost(name: string): boolean {
  const host = name.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "[::1]" || host === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The host name of a `Host` header, without its port. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end < 0 ? value : value.slice(0, end + 1);
  }
  const colon = value.indexOf(":");
  return colon < 0 ? value : value.slice(0, colon);
}

/** Whether a request with this `Host` may be served while authentication is off. */
export function hostAllowedWithoutAuth(
  header: string | null,
  allowedHosts: readonly string[],
): boolean {
  if (header === null) return true;
  const name = hostName(header);
  return isLoopbackHost(name) || allowedHosts.includes(name);
}
