import type { Gatehouse, PageId } from "@gatehousejs/core";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import {
  assertPermission,
  assertSignedIn,
  createGatehouseHandler,
  type GatehouseHandler,
  type GatehouseHandlerOptions,
  getAuth,
  type RegisteredPermissions,
} from "../../src/index.js";
import type { BindingFetch } from "../../src/testing/index.js";

/**
 * Hono on the Fetch handler, as the http README shows it: no binding package, only Hono's own idioms.
 * `Bindings.clientAddress` is the peer's address (a server passes it per request: `@hono/node-server`'s
 * `getConnInfo(c).remote.address`, Bun's `server.requestIP`, here the test's peer).
 */
export type GatehouseEnv = { Bindings: { clientAddress?: string } };

/**
 * Reads the session of every request of a host's routes (CSRF check first) and adds the refreshed cookie lines
 * to the answer, whatever the route answered (a guard's refusal included: Hono answers it through `onError`
 * below before this middleware resumes).
 */
export function gatehouseSession(auth: GatehouseHandler) {
  return createMiddleware<GatehouseEnv>(async (c, next) => {
    const { setCookies } = await auth.authenticate(c.req.raw, {
      clientAddress: c.env?.clientAddress ?? null,
    });
    await next();
    for (const line of setCookies) c.res.headers.append("Set-Cookie", line);
  });
}

/** A guard: signed in (the `authenticated` stage), or 401. */
export const requireAuth = () =>
  createMiddleware<GatehouseEnv>(async (c, next) => {
    assertSignedIn(getAuth(c.req.raw));
    await next();
  });

/** A guard: the session's roles grant `action` on `page` (typed by the registered matrix), or 401 / 403. */
export const requirePermission = <P extends PageId<RegisteredPermissions>>(
  page: P,
  action: RegisteredPermissions[P],
) =>
  createMiddleware<GatehouseEnv>(async (c, next) => {
    assertPermission(getAuth(c.req.raw), page, action);
    await next();
  });

/**
 * The whole app of the suites on Hono: the handler mounted in a route group under the base path, the probe
 * routes (see `fetchBindingWithProbes`) under `/api` behind the guards above, and Hono's `onError` answering
 * every refusal as the layer's problem+json.
 */
export function honoApp(auth: GatehouseHandler, basePath: string): Hono<GatehouseEnv> {
  const routes = new Hono<GatehouseEnv>();
  routes.all("/*", (c) => auth(c.req.raw, { clientAddress: c.env?.clientAddress ?? null }));

  const api = new Hono<GatehouseEnv>();
  api.use(gatehouseSession(auth));
  api.get("/me", requireAuth(), (c) => {
    const { user, stage } = getAuth(c.req.raw);
    return c.json({ id: user?.id, stage });
  });
  api.get("/users-page", requirePermission("platform.user-management", "view"), (c) => {
    const { can } = getAuth(c.req.raw);
    return c.json({
      canDelete: can("platform.user-management", "delete"),
      canEdit: can("platform.user-management", "edit"),
    });
  });
  api.delete("/accounts/:id", requirePermission("platform.user-management", "delete"), (c) =>
    c.body(null, 204),
  );
  api.get("/whoami", (c) => {
    const { user, can } = getAuth(c.req.raw);
    return c.json({ user: user?.email ?? null, can: can("platform.user-management", "view") });
  });
  api.post("/echo", async (c) => {
    const text = await c.req.text();
    return c.json({
      user: getAuth(c.req.raw).user?.email ?? null,
      body: text === "" ? {} : JSON.parse(text),
    });
  });

  const app = new Hono<GatehouseEnv>();
  app.route(basePath, routes);
  app.route("/api", api);
  app.onError((error, c) => auth.problem(error, c.req.raw));
  app.notFound((c) => c.json({ code: "NOT_FOUND" }, 404));
  return app;
}

/** The Hono binding as `describeHttpBinding` drives it: `app.fetch` with the peer's address as a binding. */
export function honoBinding(
  gatehouse: Gatehouse,
  options: GatehouseHandlerOptions & { readonly basePath: string },
): BindingFetch {
  const app = honoApp(createGatehouseHandler(gatehouse, options), options.basePath);
  return async (request, peer) => app.fetch(request, { clientAddress: peer.clientAddress });
}
