/**
 * The version, in one place: `deno.json`'s `version`. `plexus --version`, the start-up line,
 * `/health` and the upstream `User-Agent` (`plexus/<version>`) all read it from here.
 */
import denoJson from "../deno.json" with { type: "json" };

export const VERSION: string = denoJson.version;
