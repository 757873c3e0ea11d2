import { readJsonBody } from "../body.js";
import { assertPermission, assertSignedIn } from "../guards.js";
import type { GatehouseHandler } from "../handler.js";
import { getAuth } from "../session.js";
import type { BindingFetch } from "./client.js";

/**
 * The bare Fetch binding the suites run on, and the host routes every binding under test must serve besides
 * the Gatehouse routes under `/auth` (each with the binding's own guards):
 * - `GET /api/me`: signed in (`requireAuth`) → `{ id, stage }`;
 * - `GET /api/users-page`: `platform.user-management` `view` → `{ canDelete, canEdit }` (from `auth.can`);
 * - `DELETE /api/accounts/:id`: `platform.user-management` `delete` → 204;
 * - `GET /api/whoami`: no guard → `{ user: email or null, can: can("platform.user-management", "view") }`;
 * - `POST /api/echo`: no guard, a JSON body → `{ user: email or null, body }`.
 * Every `/api` request goes through the binding's session reading (CSRF check and cookie refresh included).
 */
export function fetchBindingWithProbes(handler: GatehouseHandler): BindingFetch {
  return async (request, peer) => {
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith("/api/")) return handler(request, peer);
    let setCookies: readonly string[] = [];
    try {
      ({ setCookies } = await handler.authenticate(request, peer));
      const response = await probe(request, pathname);
      for (const line of setCookies) response.headers.append("Set-Cookie", line);
      return response;
    } catch (error) {
      const response = handler.problem(error, request);
      for (const line of setCookies) response.headers.append("Set-Cookie", line);
      return response;
    }
  };
}

async function probe(request: Request, pathname: string): Promise<Response> {
  const auth = getAuth(request);
  const route = `${request.method} ${pathname}`;
  if (route === "GET /api/me") {
    const { user, stage } = assertSignedIn(auth);
    return Response.json({ id: user.id, stage });
  }
  if (route === "GET /api/users-page") {
    const signedIn = assertPermission(auth, "platform.user-management", "view");
    return Response.json({
      canDelete: signedIn.can("platform.user-management", "delete"),
      canEdit: signedIn.can("platform.user-management", "edit"),
    });
  }
  if (request.method === "DELETE" && pathname.startsWith("/api/accounts/")) {
    assertPermission(auth, "platform.user-management", "delete");
    return new Response(null, { status: 204 });
  }
  if (route === "GET /api/whoami") {
    return Response.json({
      user: auth.user?.email ?? null,
      can: auth.can("platform.user-management", "view"),
    });
  }
  if (route === "POST /api/echo") {
    const body = await readJsonBody(request, 100 * 1024);
    return Response.json({ user: auth.user?.email ?? null, body });
  }
  return Response.json({ code: "NOT_FOUND" }, { status: 404 });
}
