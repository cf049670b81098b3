/** The version printed by `--version` and the start-up line (src/version.ts). */
import { VERSION } from "../version.ts";

export { VERSION };

export function versionLine(): string {
  return `plexus ${VERSION}`;
}
