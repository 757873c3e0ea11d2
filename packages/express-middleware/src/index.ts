/**
 * `@gatehousejs/express-middleware`: the session cookie, `req.auth`, permission guards, CSRF protection, JSON
 * routes for every flow and a problem+json error handler, for Express. Explicit named exports only.
 *
 * @module @gatehousejs/express-middleware
 */

export type { SessionBody } from "@gatehousejs/http";
export {
  createGuards,
  type Guards,
  type RequireAuthOptions,
  requireAuth,
  requirePermission,
} from "./guards.js";
export { type GatehouseMiddlewareOptions, gatehouseMiddleware } from "./middleware.js";
export {
  type ErrorHandlerOptions,
  gatehouseErrorHandler,
  HttpProblem,
  type ProblemBody,
} from "./problem.js";
export { type GatehouseRouterOptions, gatehouseRouter } from "./router.js";
export { csrfTokenOf, endSessionCookie, issueSessionCookie, sessionTokenOf } from "./state.js";
export type {
  Can,
  Register,
  RegisteredPermissions,
  RequestAuth,
  SessionInfo,
  SignedInAuth,
  SignedOutAuth,
} from "./types.js";
