import type { Gatehouse } from "@gatehousejs/core";
import express, { type RequestHandler, type Router } from "express";
import { createMiddleware, type GatehouseMiddlewareOptions, resolveSettings } from "./middleware.js";
import { type ErrorHandlerOptions, gatehouseErrorHandler } from "./problem.js";
import { mountAuditRoutes } from "./routes/audit.js";
import { mountAuthRoutes } from "./routes/auth.js";
import type { RouteContext } from "./routes/handler.js";
import { mountMfaRoutes } from "./routes/mfa.js";
import { mountPasswordRoutes } from "./routes/password.js";
import { mountRoleRoutes } from "./routes/roles.js";
import { mountUserRoutes } from "./routes/users.js";
import { findRequestState } from "./state.js";

/** Options of {@link gatehouseRouter}: the middleware's cookie and CSRF options, and the routes' own. */
export interface GatehouseRouterOptions extends GatehouseMiddlewareOptions, ErrorHandlerOptions {
  /**
   * The largest JSON body accepted; a larger one is answered 413. Applies only when no body parser ran
   * before the router.
   * @default "100kb"
   */
  bodyLimit?: string | number;
  /**
   * Whether sign-in answers also carry the session token in their body, for clients that cannot hold
   * cookies. Browsers never need it: leave it off and no script can ever read the token.
   * @default false
   */
  exposeToken?: boolean;
  /**
   * Whether the router answers its own errors as problems (with `gatehouseErrorHandler`); turn it off to let
   * them reach the host's error handlers.
   * @default true
   */
  handleErrors?: boolean;
}

/**
 * The JSON routes of every flow: sign-in (password, second factor, recovery code), logout, password change
 * and reset, MFA enrolment, recovery code, users, roles and the audit log. Mount it under a prefix. When a
 * `gatehouseMiddleware` for the same service runs before it, the router uses its cookie settings; otherwise
 * it reads the session itself with its own options.
 * @example
 * app.use("/api/auth", gatehouseRouter(gatehouse, { allowedOrigins: ["https://app.example.com"] }));
 */
export function gatehouseRouter(gatehouse: Gatehouse, options: GatehouseRouterOptions = {}): Router {
  const middleware = createMiddleware(gatehouse, resolveSettings(options));
  const context: RouteContext = { gatehouse, exposeToken: options.exposeToken === true };
  const router = express.Router();

  // The session (and the CSRF check) comes before the body is even parsed.
  const session: RequestHandler = (req, res, next) => {
    if (findRequestState(req)?.gatehouse === gatehouse) next();
    else middleware(req, res, next);
  };
  router.use(session);
  router.use(express.json({ limit: options.bodyLimit ?? "100kb" }));
  router.use((_req, res, next) => {
    // Session bodies, recovery codes and TOTP secrets must never sit in a shared or browser cache.
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  mountAuthRoutes(router, context);
  mountPasswordRoutes(router, context);
  mountMfaRoutes(router, context);
  mountUserRoutes(router, context);
  mountRoleRoutes(router, context);
  mountAuditRoutes(router, context);

  if (options.handleErrors !== false) router.use(gatehouseErrorHandler(options));
  return router;
}
