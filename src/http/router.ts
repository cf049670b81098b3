/**
 * A tiny router: exact paths plus the one parameterised family Plexus needs (Gemini's
 * `/v1beta/models/{model}:{method}`). Knows methods per path, so it can answer 405 with `Allow`.
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
  | { kind: "not_found" };

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
      names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
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
