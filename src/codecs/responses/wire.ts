/** Wire details of the OpenAI Responses API (OpenAI API reference, "Responses"). */

/** Ids Plexus invents where the Responses API wants one (`resp_...`, `msg_...`, `fc_...`, `rs_...`). */
export function mintedId(prefix: string, requestId: string, n: number): string {
  return `${prefix}_${requestId.replace(/[^a-zA-Z0-9_-]/g, "")}_${n}`;
}
