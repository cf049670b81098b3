/**
 * A tiny router: exact paths first, then regular-expression patterns in the order they were
 * added (the codecs' routes, such as Gemini's `/{version}/models/{model}:{method}`, then
 * `/v1/models/{id}` and `/v0/...`). Knows methods per path, so it can answer 405 with `Allow`.
 */
export type Handler<C> = (
  request: Request,
  url: URL,
  params: Record<string, string>,
  context: C,
) => Response | Promise<Response>;

interface Route<C> {
  method: string;
  handler: Handler<C>;
}

export type RouteMatch<C> =
  | { kind: "found"; handler: Handler<C>; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "not_found" }
  /** A path parameter is not valid percent-encoded UTF-8. */
  | { kind: "bad_path"; message: string };

export class Router<C> {
  readonly #exact = new Map<string, Route<C>[]>();
  readonly #patterns: Array<{ pattern: RegExp; names: string[]; routes: Route<C>[] }> = [];

  on(method: string, path: string, handler: Handler<C>): this {
    const routes = this.#exact.get(path) ?? [];
    routes.push({ method, handler });
    this.#exact.set(path, routes);
    return this;
  }

  /** `pattern` groups become params, named by `names` in order. */
  onPattern(method: string, pattern: RegExp, names: string[], handler: Handler<C>): this {
    const existing = this.#patterns.find((p) => p.pattern.source === pattern.source);
    if (existing) existing.routes.push({ method, handler });
    else this.#patterns.push({ pattern, names, routes: [{ method, handler }] });
    return this;
  }

  match(method: string, path: string): RouteMatch<C> {
    const exact = this.#exact.get(path);
    if (exact !== undefined) return pick(exact, method, {});
    for (const { pattern, names, routes } of this.#patterns) {
      const m = pattern.exec(path);
      if (m === null) continue;
      const params: Record<string, string> = {};
      for (const [i, name] of names.entries()) {
        const decoded = decodePathSegment(m[i + 1]);
        if (decoded === undefined) {
          return { kind: "bad_path", message: `The ${name} in the path is not valid UTF-8.` };
        }
        params[name] = decoded;
      }
      return pick(routes, method, params);
    }
    return { kind: "not_found" };
  }
}

function pick<C>(
  routes: Route<C>[],
  method: string,
  params: Record<string, string>,
): RouteMatch<C> {
  const wanted = method === "HEAD" ? "GET" : method;
  const route = routes.find((r) => r.method === wanted);
  if (route !== undefined) return { kind: "found", handler: route.handler, params };
  return { kind: "method_not_allowed", allow: routes.map((r) => r.method) };
}

/**
 * `decodeURIComponent` that says `undefined` instead of throwing: a malformed escape
 * (`%E0%A4%A`) or an encoded lone surrogate (`%ED%A0%80`) is the client's mistake.
 */
function decodePathSegment(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
