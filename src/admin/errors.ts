/** Admin API answers: JSON bodies, errors as `{"error":{"message","type"}}`. */

export type AdminErrorType =
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "invalid_request_error"
  | "api_error";

export function adminJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

export function adminError(
  status: number,
  type: AdminErrorType,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const response = adminJson({ error: { message, type } }, status);
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
