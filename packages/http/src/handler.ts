import { type Gatehouse, parseInput } from "@gatehousejs/core";
import { readJsonBody } from "./body.js";
import { forwardedAddress, normalizeAddress } from "./client-address.js";
import { assertSignedIn } from "./guards.js";
import { compileRoutes, matchRoute } from "./match.js";
import { generateOpenApiDocument } from "./openapi.js";
import { type GatehouseHandlerOptions, type HandlerSettings, resolveHandlerSettings } from "./options.js";
import { HttpProblem, problemResponse, toProblem } from "./problem.js";
import { routeTable } from "./routes/index.js";
import type { Reply, Route, RouteCall, RouteInput } from "./routes/route.js";
import { endSession, issueSession, type RequestHead, RequestState, readSession } from "./session.js";
import { bindSignIn, boundSignIn, callbackUrlOf, releaseSignIn, requestedReturnPath } from "./sso.js";
import { throttle } from "./throttle.js";
import type { RequestAuth } from "./types.js";

/** Where, under the base path, `openApi: true` serves the document. */
const OPENAPI_PATH = "/openapi.json";

/** What a binding knows of a request that the Fetch `Request` does not carry. */
export interface HandlerContext {
  /** The address of the peer that sent the request (the socket's), e.g. Express's `req.socket.remoteAddress`. */
  readonly clientAddress?: string | null;
  /**
   * The path under the base path, when the binding has routed the request already (e.g. Express's `req.path`
   * under the router's mount); by default the request URL's path under `basePath`.
   */
  readonly path?: string;
  /**
   * Whether errors are thrown to the binding rather than answered as problems, for a host whose own error
   * handlers answer them (Set-Cookie lines of the request stay readable through `sessionOf`).
   * @default false
   */
  readonly rethrow?: boolean;
}

/** A request's session as read by {@link GatehouseHandler.authenticate}, for a host's own routes. */
export interface Authentication {
  readonly auth: RequestAuth;
  /** The Set-Cookie lines the host's response must carry (a refreshed, or a cleared, session cookie). */
  readonly setCookies: readonly string[];
}

/** The Fetch handler of every Gatehouse route, with what a binding or a host needs besides. */
export interface GatehouseHandler {
  /** Serves a route under the base path; any other path is a 404 problem. */
  (request: Request, context?: HandlerContext): Promise<Response>;
  /** The route table it serves, in matching order. */
  readonly routes: readonly Route[];
  /**
   * Reads a request's session for a host's own route: CSRF first (an `HttpProblem` 403 for a cross-site
   * write), then the cookie's session; afterwards `getAuth(request)` answers it anywhere.
   */
  authenticate(request: RequestHead, context?: HandlerContext): Promise<Authentication>;
  /** The problem+json response of an error (a `GatehouseError`, an `HttpProblem`, or anything: 500). */
  problem(error: unknown, request: Request): Response;
  /** Whether a route of the table takes this path (under the base path, or `context.path`), whatever the method. */
  matches(request: Request, context?: HandlerContext): boolean;
  /** The client's address by the handler's rules (trusted header, then the binding's), normalised; or `null`. */
  clientAddressOf(request: Request, context?: HandlerContext): string | null;
}

/**
 * The framework-neutral HTTP layer: one `(request) => Promise<Response>` serving every Gatehouse route with
 * the session cookie, stage rules, CSRF checks, body limits, schema validation, per-client throttles and
 * problem+json errors. Mount it on any runtime that speaks the Fetch API.
 * @example
 * const auth = createGatehouseHandler(gatehouse, { basePath: "/api/auth" });
 * Bun.serve({ fetch: (request, server) => auth(request, { clientAddress: server.requestIP(request)?.address }) });
 */
export function createGatehouseHandler(
  gatehouse: Gatehouse,
  options: GatehouseHandlerOptions = {},
): GatehouseHandler {
  const settings = resolveHandlerSettings(options);
  const compiled = compileRoutes(routeTable);
  const now = () => gatehouse.config.clock.now();

  const problem = (error: unknown, request: Request, setCookies: readonly string[] = []): Response => {
    const answer = toProblem(error, settings.typeBase);
    if (answer.body.status >= 500) settings.onError?.(error, request);
    return problemResponse(answer, now(), setCookies);
  };

  const clientAddressOf = (request: Request, context?: HandlerContext): string | null => {
    const forwarded = settings.proxy ? forwardedAddress(request.headers, settings.proxy) : null;
    const address = forwarded ?? context?.clientAddress ?? settings.clientAddress?.(request) ?? null;
    return address ? normalizeAddress(address) : null;
  };

  let openApiDocument: string | null = null;
  const openApi = (request: Request): Response => {
    openApiDocument ??= JSON.stringify(
      generateOpenApiDocument({
        basePath: settings.basePath,
        cookieName: settings.cookies.name,
        permissions: gatehouse.config.permissions,
      }),
    );
    const headers = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" };
    return new Response(request.method === "HEAD" ? null : openApiDocument, { headers });
  };
  const isOpenApi = (request: Request, path: string | null): boolean =>
    settings.openApi && path === OPENAPI_PATH && (request.method === "GET" || request.method === "HEAD");

  const handler = async (request: Request, context?: HandlerContext): Promise<Response> => {
    let state: RequestState | null = null;
    try {
      const path = pathOf(request, context);
      // The document is public and carries no session: it is answered before any cookie is read.
      if (isOpenApi(request, path)) return openApi(request);
      const match = path === null ? null : matchRoute(compiled, request.method, path);
      // The session (and the CSRF check) comes before the route is even looked at, as for a host's route.
      state = await readSession(gatehouse, request, settings.cookies, settings.csrf);
      if (match === null || match.kind === "none") {
        throw new HttpProblem(404, "NOT_FOUND", "There is no such route.");
      }
      if (match.kind === "method") {
        const response = problem(
          new HttpProblem(405, "METHOD_NOT_ALLOWED", "The route does not take this method."),
          request,
          state.jar.lines(),
        );
        response.headers.set("Allow", match.allow.join(", "));
        return response;
      }
      const { route, params } = match;
      if (route.stage === "authenticated") assertSignedIn(state.auth);
      const limit = route.throttle ? settings.throttles.get(route.throttle) : undefined;
      const address = limit ? clientAddressOf(request, context) : null;
      if (limit && route.throttle && address !== null) {
        await throttle(settings.rateLimiter, route.throttle, limit, address, now());
      }
      const input = await readInput(request, route.input, settings);
      const reply = await route.handle(callOf(gatehouse, request, state, input, params, settings));
      return replyResponse(request, reply, state.jar.lines());
    } catch (error) {
      if (context?.rethrow) throw error;
      return problem(error, request, state?.jar.lines() ?? []);
    }
  };

  const pathOf = (request: Request, context?: HandlerContext): string | null =>
    context?.path ?? pathUnder(new URL(request.url).pathname, settings.basePath);

  return Object.assign(handler, {
    routes: routeTable,
    async authenticate(request: RequestHead): Promise<Authentication> {
      const state = await readSession(gatehouse, request, settings.cookies, settings.csrf);
      return { auth: state.auth, setCookies: state.jar.lines() };
    },
    problem: (error: unknown, request: Request) => problem(error, request),
    matches(request: Request, context?: HandlerContext): boolean {
      const path = pathOf(request, context);
      if (path === null) return false;
      if (isOpenApi(request, path)) return true;
      try {
        return matchRoute(compiled, request.method, path).kind !== "none";
      } catch {
        return true; // a path that does not decode is the route's to refuse
      }
    },
    clientAddressOf,
  });
}

/** The path under the base path, or `null` outside it. */
function pathUnder(pathname: string, basePath: string): string | null {
  if (basePath === "") return pathname;
  if (pathname === basePath) return "/";
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : null;
}

/** The route's input, checked by its schema: the JSON body, or the query's single values. */
async function readInput(
  request: Request,
  input: RouteInput | null,
  settings: HandlerSettings,
): Promise<unknown> {
  if (input === null) return undefined;
  if (input.from === "query") {
    const query = new URL(request.url).searchParams;
    const values: Record<string, unknown> = {};
    for (const key of Object.keys(input.schema.shape)) {
      const value = query.get(key);
      if (value === null) continue;
      // Digits become a number; anything else is left for the schema to refuse.
      values[key] = input.numbers?.includes(key) && /^\d{1,9}$/.test(value) ? Number(value) : value;
    }
    return parseInput(input.schema, values);
  }
  const body = await readJsonBody(request, settings.bodyLimitBytes);
  if (body === undefined && input.optional) return undefined;
  return parseInput(input.schema, body);
}

function callOf(
  gatehouse: Gatehouse,
  request: Request,
  state: RequestState,
  input: unknown,
  params: Record<string, string>,
  settings: HandlerSettings,
): RouteCall<unknown> {
  const { sso, cookies } = settings;
  return {
    gatehouse,
    auth: state.auth,
    token: RequestState.tokenOf(state),
    input,
    params,
    exposeToken: settings.exposeToken,
    issueSession: (session) => issueSession(state, session),
    endSession: () => endSession(state),
    request,
    staff: async () => (settings.staff ? ((await settings.staff(request)) ?? null) : null),
    sso: {
      get callbackUrl() {
        return callbackUrlOf(request, sso);
      },
      errorPath: sso.errorPath,
      returnPath: (requested) => requestedReturnPath(requested, sso),
      bind(signInState, returnTo, expiresAt) {
        const maxAgeSeconds = (expiresAt.getTime() - gatehouse.config.clock.now().getTime()) / 1000;
        bindSignIn(state.jar, cookies, sso, { state: signInState, returnTo }, maxAgeSeconds);
      },
      bound: () => boundSignIn(request, sso),
      release: () => releaseSignIn(state.jar, cookies, sso),
    },
  };
}

/** The JSON response of a reply; session bodies, recovery codes and TOTP secrets are never cached. */
function replyResponse(request: Request, reply: Reply, setCookies: readonly string[]): Response {
  const headers = new Headers({ "Cache-Control": "no-store" });
  for (const line of setCookies) headers.append("Set-Cookie", line);
  if (reply.location !== undefined) {
    headers.set("Location", reply.location);
    return new Response(null, { status: reply.status, headers });
  }
  if (reply.body === undefined || reply.status === 204) {
    return new Response(null, { status: reply.status, headers });
  }
  headers.set("Content-Type", "application/json; charset=utf-8");
  const text = JSON.stringify(reply.body);
  return new Response(request.method === "HEAD" ? null : text, { status: reply.status, headers });
}
