/**
 * `@gatehousejs/http`: Gatehouse over HTTP on the Fetch API. One `(request) => Promise<Response>` serves every
 * route (sign-in, SSO, MFA, passwords, users, roles, audit, SSO connections) with the session cookie, CSRF checks, body limits,
 * schema validation, per-client throttles and problem+json errors, on any runtime or framework. Explicit named
 * exports only.
 *
 * @module @gatehousejs/http
 */

export { signedOut } from "./auth.js";
export { normalizeAddress, type TrustProxy } from "./client-address.js";
export { mergeSetCookieLines } from "./cookies.js";
export { csrfTokenFor } from "./csrf.js";
export { assertPermission, assertSignedIn } from "./guards.js";
export {
  type Authentication,
  createGatehouseHandler,
  type GatehouseHandler,
  type HandlerContext,
} from "./handler.js";
export { NodeRequestHead, type NodeStyleRequest } from "./node-head.js";
export { generateOpenApiDocument, type OpenApiDocument, type OpenApiOptions } from "./openapi.js";
export type { GatehouseHandlerOptions } from "./options.js";
export { HttpProblem, type ProblemBody, problemFor } from "./problem.js";
export type {
  Reply,
  Route,
  RouteCall,
  RouteInput,
  RouteMethod,
  RouteStage,
  SessionBody,
  SsoCall,
  SuccessStatus,
} from "./routes/route.js";
export {
  type BindingSession,
  getAuth,
  type RequestHead,
  sessionOf,
  shareSessionReading,
} from "./session.js";
export { type BoundSignIn, checkedReturnPath, type SsoRouteOptions, type StaffActor } from "./sso.js";
export {
  defaultThrottles,
  type ThrottleLimit,
  type ThrottleName,
  type ThrottleOptions,
} from "./throttle.js";
export type {
  Can,
  Register,
  RegisteredPermissions,
  RequestAuth,
  SessionInfo,
  SignedInAuth,
  SignedOutAuth,
} from "./types.js";
