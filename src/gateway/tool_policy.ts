/**
 * The `unsupported_tools` policy for one attempt: a translated request leaves out the hosted
 * tools its target cannot run (`drop`, said in the `x-plexus-dropped-tools` header and the usage
 * record) or is refused with a 400 (`reject`). The same API in and out drops nothing.
 */
import { unsupportedHostedTools, unsupportedToolsError } from "../codecs/hosted_tools.ts";
import type { ApiName } from "../codecs/registry.ts";
import type { GatewayError, UnifiedRequest } from "../codecs/unified.ts";
import type { Config } from "../config/types.ts";
import type { RequestRecord } from "../usage/record.ts";

export const DROPPED_TOOLS_HEADER = "x-plexus-dropped-tools";

/** Notes what this attempt drops; returns the error to answer with under `reject`. */
export function applyToolPolicy(
  request: UnifiedRequest,
  api: ApiName,
  passThrough: boolean,
  config: Pick<Config, "unsupportedTools">,
  record: RequestRecord,
  headers: Record<string, string>,
): GatewayError | undefined {
  const dropped = passThrough ? [] : unsupportedHostedTools(request, api);
  delete headers[DROPPED_TOOLS_HEADER];
  delete record.droppedTools;
  if (dropped.length === 0) return undefined;
  if (config.unsupportedTools === "reject") return unsupportedToolsError(dropped, api);
  headers[DROPPED_TOOLS_HEADER] = dropped.join(", ");
  record.droppedTools = dropped;
  return undefined;
}
