/**
 * `GET` and `DELETE /v1/responses/{id}` for answers Plexus kept (OpenAI API reference,
 * "Retrieve a model response", "Delete a model response"). Only the client key that made a
 * response sees it; any other id is OpenAI's 404.
 */
import { presentedSecret } from "../auth/client_keys.ts";
import { inboundCodec } from "../codecs/registry.ts";
import { GatewayError } from "../codecs/unified.ts";
import type { Gateway } from "../gateway/gateway.ts";
import { errorResponse } from "../gateway/respond.ts";

export const RESPONSE_PATH = /^\/v1\/responses\/([A-Za-z0-9_-]{1,200})$/;

export async function keptResponse(
  request: Request,
  _url: URL,
  id: string,
  gateway: Gateway,
  method: "GET" | "DELETE",
): Promise<Response> {
  const codec = inboundCodec("responses");
  let owner = "";
  if (!gateway.config.allowNoAuth) {
    const key = await gateway.keys.identify(presentedSecret(request.headers, undefined));
    if (key === undefined) {
      return errorResponse(
        codec,
        new GatewayError("authentication", "Invalid or missing API key.", {
          code: "invalid_api_key",
        }),
      );
    }
    owner = key;
  }
  const kept = gateway.responses?.get(id, owner);
  if (kept?.here === undefined) {
    return errorResponse(
      codec,
      new GatewayError("not_found", `Response with id '${id}' not found.`),
    );
  }
  if (method === "DELETE") {
    gateway.responses!.delete(id, owner);
    return Response.json({ id, object: "response", deleted: true });
  }
  return Response.json(kept.here.response);
}
