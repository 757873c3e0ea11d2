// The app: Gatehouse's JSON API (the Fetch handler in a Hono route group), one route of the app's own behind a
// permission guard, and a page that renders the API's OpenAPI document for a person. No binding package:
// Hono speaks the Fetch API, so the handler is mounted as it is.
import type { Gatehouse, PageId } from "@gatehousejs/core";
import {
  assertPermission,
  createGatehouseHandler,
  type GatehouseHandler,
  generateOpenApiDocument,
  getAuth,
  type RegisteredPermissions,
} from "@gatehousejs/http";
import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { renderReference } from "./reference.ts";

/** Where the Gatehouse routes are served. */
export const AUTH_PATH = "/api/auth";

/** Options of {@link createApp}. */
export interface AppOptions {
  readonly gatehouse: Gatehouse;
  /**
   * The address of the peer that sent a request, for the per-client throttles (the server passes the socket's:
   * `getConnInfo(c).remote.address` of @hono/node-server). Without one the per-client throttles do not apply.
   */
  readonly clientAddress?: (c: Context) => string | null | undefined;
  /** Whether the session cookie is `Secure`; `false` only for plain HTTP on this machine. @default true */
  readonly secureCookies?: boolean;
}

/** A guard: the session's roles grant `action` on `page`, or a 401 / 403 problem (answered by `onError`). */
function requirePermission<P extends PageId<RegisteredPermissions>>(
  page: P,
  action: RegisteredPermissions[P],
) {
  return createMiddleware(async (c, next) => {
    assertPermission(getAuth(c.req.raw), page, action);
    await next();
  });
}

/**
 * Reads the session of a request of the app's own routes (the CSRF check first) and adds the refreshed
 * session cookie to whatever the route answers. Per route, never on the route group: the handler reads the
 * session itself, and a second reading would add its cookie lines twice.
 */
function session(auth: GatehouseHandler) {
  return createMiddleware(async (c, next) => {
    const { setCookies } = await auth.authenticate(c.req.raw);
    await next();
    for (const line of setCookies) c.res.headers.append("Set-Cookie", line);
  });
}

/** The whole app on a service. */
export function createApp(options: AppOptions): Hono {
  const { gatehouse } = options;
  const auth = createGatehouseHandler(gatehouse, {
    basePath: AUTH_PATH,
    openApi: true,
    cookie: { secure: options.secureCookies !== false },
  });
  const clientAddress = (c: Context) => options.clientAddress?.(c) ?? null;

  // Gatehouse's JSON API: every method and path under /api/auth is the handler's (its 404 and 405 included).
  const authRoutes = new Hono().all("/*", (c) => auth(c.req.raw, { clientAddress: clientAddress(c) }));

  // The app's own API: the team of the signed-in user's organization, for whoever may view users.
  const api = new Hono();
  api.get("/team", session(auth), requirePermission("platform.user-management", "view"), async (c) => {
    const { user, organization } = getAuth(c.req.raw);
    if (user === null || organization === null)
      throw new Error("the guard lets only a signed-in user through");
    const page = await gatehouse.listUsers(
      { kind: "member", userId: user.id },
      { organizationId: organization.id, limit: 50 },
    );
    return c.json({
      organization: organization.name,
      members: page.items.map((member) => ({
        email: member.email,
        name: member.displayName,
        status: member.status,
        roles: member.roles,
      })),
    });
  });

  // The page: the OpenAPI document the handler serves, as a table a person reads.
  const document = generateOpenApiDocument({
    basePath: AUTH_PATH,
    permissions: gatehouse.config.permissions,
    title: "Gatehouse on Hono",
  });
  const reference = renderReference(document, `${AUTH_PATH}/openapi.json`);

  const app = new Hono();
  app.route(AUTH_PATH, authRoutes);
  app.route("/api", api);
  app.get("/", (c) => {
    c.header("Content-Security-Policy", reference.contentSecurityPolicy);
    c.header("Cache-Control", "no-cache");
    return c.html(reference.html);
  });
  // A guard's refusal (401, 403) and a cross-site write (403 CSRF) as the layer's problem+json.
  app.onError((error, c) => auth.problem(error, c.req.raw));
  return app;
}
