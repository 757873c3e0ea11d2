import { HttpProblem } from "./problem.js";
import type { Route, RouteMethod } from "./routes/route.js";

/** A route table compiled for matching: one pattern per path. */
export interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

/** What a path matched: the route and its parameters, or the methods the path has (for 405), or nothing. */
export type Match =
  | { readonly kind: "route"; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: "method"; readonly allow: readonly string[] }
  | { readonly kind: "none" };

/** Compiles `/users/:id` to a pattern of one segment per parameter. */
export function compileRoutes(routes: readonly Route[]): readonly CompiledRoute[] {
  return routes.map((route) => {
    const names: string[] = [];
    const source = route.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:([a-zA-Z]+)/g, (_, name) => {
      names.push(name);
      return "([^/]+)";
    });
    return { route, pattern: new RegExp(`^${source}/?$`), names };
  });
}

/** The route of a method and path (HEAD as GET); a percent-encoding that does not decode is a 400. */
export function matchRoute(compiled: readonly CompiledRoute[], method: string, path: string): Match {
  const wanted = (method === "HEAD" ? "GET" : method) as RouteMethod;
  const allow: string[] = [];
  for (const { route, pattern, names } of compiled) {
    const found = pattern.exec(path);
    if (!found) continue;
    if (route.method !== wanted) {
      allow.push(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    names.forEach((name, index) => {
      params[name] = decode(found[index + 1] ?? "");
    });
    return { kind: "route", route, params };
  }
  return allow.length > 0 ? { kind: "method", allow } : { kind: "none" };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpProblem(400, "VALIDATION", "The path is not valid percent-encoding.");
  }
}
