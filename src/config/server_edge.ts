/**
 * The server's operational settings that sit at its edge: config reload on file change, the
 * proxies whose forwarding headers are believed, and CORS for browser clients
 * (docs/configuration.md). One file so `schema.ts` and `build.ts` each gain one line.
 */
import { z } from "zod";
import { parseCidr } from "../edge/cidr.ts";

function isOrigin(text: string): boolean {
  if (text === "*") return true;
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === text;
  } catch {
    return false;
  }
}

export const serverEdgeFields = {
  watch_config: z.boolean().optional(),
  trusted_proxies: z.array(
    z.string().refine((text) => parseCidr(text) !== undefined, {
      message: "expected an IP address or a CIDR range such as 10.0.0.0/8 or ::1/128",
    }),
  ).optional(),
  cors: z.strictObject({
    origins: z.array(
      z.string().refine(isOrigin, {
        message:
          "expected an origin such as https://app.example.com (scheme://host[:port], no path) or *",
      }),
    ),
  }).optional(),
};

export interface ServerEdge {
  watchConfig: boolean;
  /** CIDR texts as written; parsed where they are used. */
  trustedProxies: string[];
  /** Absent: no CORS headers at all. */
  cors?: { origins: string[] };
}

export function buildServerEdge(server: {
  watch_config?: boolean;
  trusted_proxies?: string[];
  cors?: { origins: string[] };
}): ServerEdge {
  return {
    watchConfig: server.watch_config ?? false,
    trustedProxies: server.trusted_proxies ?? [],
    cors: server.cors === undefined ? undefined : { origins: server.cors.origins },
  };
}
