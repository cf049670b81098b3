/** The version printed by `--version` and the start-up line comes from `deno.json`. */
import denoJson from "../../deno.json" with { type: "json" };

export const VERSION: string = denoJson.version;

export function versionLine(): string {
  return `plexus ${VERSION}`;
}
